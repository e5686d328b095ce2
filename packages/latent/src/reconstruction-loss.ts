import * as tf from '@tensorflow/tfjs-core';
import {BadConfigError} from './latent-errors';

/**
 * A loss per entry given as a function: `entryLosses(output, target)` returns a tensor of
 * `target`'s shape. `name` is what messages and saved settings show. `negativeBinomialLoss`
 * makes one; any other (a Huber loss, a likelihood of your own) plugs in the same way.
 */
export interface CustomLoss {
  readonly name: string;
  entryLosses(output: tf.Tensor, target: tf.Tensor): tf.Tensor;
}

/**
 * - `'mse'`: squared error.
 * - `'bce'`: binary cross-entropy of outputs in (0, 1) (sigmoid decoders).
 * - `'poisson'`: the Poisson negative log-likelihood of counts given positive means
 *   (softplus or exp output), μ − x·log μ + log x!.
 * - a `CustomLoss`, such as `negativeBinomialLoss(logDispersion)`.
 */
export type ReconstructionLoss = 'mse' | 'bce' | 'poisson' | CustomLoss;

/**
 * How a batch's entry losses become the scalar that is differentiated.
 * - `'sum'` (default): summed over the batch and the features, so each row of the latent table
 *   receives the gradient of its own sample's loss, whatever the batch size. The paper's row
 *   learning rates (SGD 0.01–0.02) only move the rows under this scale.
 * - `'mean'`: PyTorch's default, averaged over batch and features; row gradients shrink by
 *   batch·features and the rows barely move at the paper's rates.
 * Reported losses are per entry either way.
 */
export type LossReduction = 'sum' | 'mean';

function isCustomLoss(loss: unknown): loss is CustomLoss {
  return typeof loss === 'object' && loss !== null && typeof (loss as CustomLoss).name === 'string' &&
    typeof (loss as CustomLoss).entryLosses === 'function';
}

export function checkLossOptions(where: string, loss: unknown, reduction: unknown): void {
  if (loss !== 'mse' && loss !== 'bce' && loss !== 'poisson' && !isCustomLoss(loss)) {
    throw new BadConfigError(`${where}: loss must be 'mse', 'bce', 'poisson' or a {name, entryLosses} object ` +
      `(e.g. negativeBinomialLoss(logDispersion)), got ${typeof loss === 'string' ? `'${loss}'` : String(loss)}`, {option: 'loss'});
  }
  if (reduction !== 'sum' && reduction !== 'mean') {
    throw new BadConfigError(`${where}: reduction must be 'sum' or 'mean', got '${String(reduction)}'`, {option: 'reduction'});
  }
}

/** The loss's name for messages and saved settings: `'mse'`, `'negative-binomial'`, … */
export function lossName(loss: ReconstructionLoss): string {
  return typeof loss === 'string' ? loss : loss.name;
}

/**
 * BCE's outputs are kept within [ε, 1 − ε] (Keras' ε); the count likelihoods take log(μ + ε),
 * as Keras' Poisson loss does, so a mean of exactly 0 gives a finite loss and gradient.
 */
const EPSILON = 1e-7;

/**
 * Loss per entry, same shape as `target`. BCE clips the output into [1e-7, 1 − 1e-7] before
 * the logs: a float32 sigmoid saturates to exactly 0 or 1, and clamping log(0) = −∞ afterwards
 * (PyTorch's way) still sends ∞·0 = NaN through the gradient; the clip's gradient is 0 instead.
 */
export function entryLosses(output: tf.Tensor, target: tf.Tensor, loss: ReconstructionLoss): tf.Tensor {
  return tf.tidy(() => {
    if (isCustomLoss(loss)) return loss.entryLosses(output, target);
    if (loss === 'mse') return tf.squaredDifference(output, target);
    if (loss === 'poisson') {
      // −log P(x | μ) = μ − x·log μ + log Γ(x + 1); the last term does not depend on the model
      // but makes the value a true negative log-likelihood (0.5 per entry means something).
      return tf.add(tf.sub(output, tf.mul(target, tf.log(tf.add(output, EPSILON)))), logGamma(tf.add(target, 1)));
    }
    const p = tf.clipByValue(output, EPSILON, 1 - EPSILON);
    const logP = tf.log(p);
    const log1mP = tf.log(tf.sub(1, p));
    return tf.neg(tf.add(tf.mul(target, logP), tf.mul(tf.sub(1, target), log1mP)));
  });
}

/**
 * The negative-binomial negative log-likelihood of counts x given means μ (the decoder's
 * positive output) and a dispersion r > 0 (the "size": variance μ + μ²/r; r → ∞ is Poisson),
 * with r = exp(logDispersion), broadcast against the output: a [features] tensor gives each
 * feature its own r, as bulkDGD and scDGD do for genes.
 *
 *   −log P(x | μ, r) = log Γ(x+1) + log Γ(r) − log Γ(x+r) + r·log(1 + μ/r) + x·(log(r+μ) − log μ)
 *
 * To learn the dispersion, make `logDispersion` a `tf.Variable` and train it with the decoder
 * (add it to the module's variables); `@encoderless/autodecoder` does this for
 * `loss: 'negative-binomial'`.
 *
 * ```ts
 * const logR = tf.variable(tf.zeros([genes]));
 * const nb = negativeBinomialLoss(logR);
 * const decoder = moduleFromFunction(mlp.apply, [...mlp.variables, logR]);
 * await trainDecoder({decoder, data: counts, table, epochs: 100, loss: nb});
 * ```
 */
export function negativeBinomialLoss(logDispersion: tf.Tensor): CustomLoss {
  if (!(logDispersion instanceof tf.Tensor)) {
    throw new BadConfigError(`negativeBinomialLoss: logDispersion must be a tensor (a tf.Variable to learn it), got ${String(logDispersion)}`,
      {option: 'logDispersion'});
  }
  return {
    name: 'negative-binomial',
    entryLosses: (output, target) => tf.tidy(() => {
      const r = tf.exp(logDispersion);
      const mu = output;
      const rPlusMu = tf.add(r, mu);
      const gammaTerms = tf.sub(logGamma(tf.add(target, 1)), logGammaRatio(target, r));
      const meanTerm = tf.mul(r, log1pAccurate(tf.div(mu, r)));
      const countTerm = tf.mul(target, tf.sub(tf.log(rPlusMu), tf.log(tf.add(mu, EPSILON))));
      return tf.add(tf.add(gammaTerms, meanTerm), countTerm);
    }),
  };
}

/**
 * log Γ(z) for z > 0 from differentiable ops (tfjs has no lgamma): Stirling's series at z + 6,
 * shifted back by Γ(z) = Γ(z + 6) / (z (z+1) … (z+5)). The series' error at w ≥ 6 is below
 * 1/(1680·w⁷) < 1e-8, under float32's rounding; its derivative is the digamma function to the
 * same accuracy.
 */
export function logGamma(z: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    let shift = tf.log(z);
    for (let k = 1; k < 6; k++) shift = tf.add(shift, tf.log(tf.add(z, k)));
    const w = tf.add(z, 6);
    const stirling = tf.add(tf.sub(tf.mul(tf.sub(w, 0.5), tf.log(w)), w), tf.add(0.5 * Math.log(2 * Math.PI), stirlingSeries(w)));
    return tf.sub(stirling, shift);
  });
}

/**
 * log(1 + u) to float32 accuracy for small u too. tfjs's log1p computes log(1 + u), so for
 * u = 6e-5 it is off by 0.2% (1 + u rounds to a float32); Kahan's correction
 * log(v)·u/(v − 1) with v = fl(1 + u) cancels that rounding. Its gradient is given as
 * 1/(1 + u): differentiating the correction itself would bring the rounding back.
 */
const log1pAccurate = tf.customGrad(((u: tf.Tensor, save: (tensors: tf.Tensor[]) => void) => {
  save([u]);
  const v = tf.add(1, u);
  const d = tf.sub(v, 1);
  const zero = tf.equal(d, 0);
  const value = tf.where(zero, u, tf.div(tf.mul(tf.log(v), u), tf.where(zero, tf.onesLike(d), d)));
  return {value, gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.div(dy, tf.add(1, saved[0]))};
}) as unknown as Parameters<typeof tf.customGrad>[0]) as (u: tf.Tensor) => tf.Tensor;

/** 1/(12w) − 1/(360w³) + 1/(1260w⁵), in Horner form: Stirling's correction terms. */
function stirlingSeries(w: tf.Tensor): tf.Tensor {
  const inv = tf.reciprocal(w);
  const inv2 = tf.square(inv);
  return tf.mul(inv, tf.add(1 / 12, tf.mul(inv2, tf.add(-1 / 360, tf.mul(inv2, 1 / 1260)))));
}

/**
 * log Γ(x + r) − log Γ(r) for x ≥ 0, r > 0, without subtracting two large numbers: with
 * w₀ = r + 6 and w₁ = x + r + 6, the difference of the two shifted Stirling series is
 *   (w₁ − ½)·log1p(x/w₀) + x·(log w₀ − 1) + s(w₁) − s(w₀) − Σₖ₌₀⁵ log1p(x/(r + k)).
 * Taking logGamma twice loses the result to float32 rounding once r is large (at r = 1e5 both
 * terms are ≈ 1e6, whose float32 spacing is 0.06).
 */
export function logGammaRatio(x: tf.Tensor, r: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const w0 = tf.add(r, 6);
    const w1 = tf.add(w0, x);
    let value = tf.add(tf.mul(tf.sub(w1, 0.5), log1pAccurate(tf.div(x, w0))), tf.mul(x, tf.sub(tf.log(w0), 1)));
    value = tf.add(value, tf.sub(stirlingSeries(w1), stirlingSeries(w0)));
    for (let k = 0; k < 6; k++) value = tf.sub(value, log1pAccurate(tf.div(x, k === 0 ? r : tf.add(r, k))));
    return value;
  });
}

/** Each sample's loss summed over its features: [batch]. */
export function sampleLosses(output: tf.Tensor, target: tf.Tensor, loss: ReconstructionLoss): tf.Tensor1D {
  return tf.tidy(() => {
    const e = entryLosses(output, target, loss);
    return tf.sum(tf.reshape(e, [e.shape[0], -1]), 1) as tf.Tensor1D;
  });
}

/** The scalar to differentiate for a batch. */
export function reduceLoss(output: tf.Tensor, target: tf.Tensor, loss: ReconstructionLoss, reduction: LossReduction): tf.Scalar {
  return tf.tidy(() => {
    const e = entryLosses(output, target, loss);
    return reduction === 'sum' ? tf.sum(e) : tf.mean(e);
  });
}

/** A batch's loss as the trainers report it, summed over samples and entries, from the scalar `reduceLoss` gave. */
export function summedLoss(batchLoss: number, reduction: LossReduction, samples: number, entriesPerSample: number): number {
  return reduction === 'sum' ? batchLoss : batchLoss * samples * entriesPerSample;
}
