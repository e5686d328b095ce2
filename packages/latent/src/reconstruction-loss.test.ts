import * as tf from '@tensorflow/tfjs-core';
import {useBackend} from '@encoderless/backends';
import {expectArraysClose} from '@encoderless/test-utils';
import {entryLosses, negativeBinomialLoss, reduceLoss} from './index';
import {checkLossOptions, logGamma, logGammaRatio} from './reconstruction-loss';

describe('reconstruction losses (wasm)', () => {
  beforeAll(async () => { await useBackend('wasm'); });

  it('bce of p = 0.25 against targets 1 and 0 is −ln 0.25 and −ln 0.75 (closed form)', () => {
    const e = tf.tidy(() => entryLosses(tf.tensor1d([0.25, 0.25]), tf.tensor1d([1, 0]), 'bce'));
    expectArraysClose(e, [-Math.log(0.25), -Math.log(0.75)], {atol: 1e-6});
    e.dispose();
  });

  it('bce of a saturated output (exactly 0 or 1) stays finite, and so does its gradient', () => {
    const {value, grad} = tf.tidy(() => {
      const p = tf.tensor1d([0, 1, 0, 1]);
      const t = tf.tensor1d([1, 0, 0, 1]);
      const v = reduceLoss(p, t, 'bce', 'sum');
      const g = tf.grad((x: tf.Tensor) => reduceLoss(x, t, 'bce', 'sum'))(p);
      return {value: v.dataSync()[0], grad: Array.from(g.dataSync())};
    });
    // Two entries wrong by the full range: −ln ε − ln(1 − fround(1 − ε)), in float32 ≈ 32.06;
    // the two right ones add ≈ 2e-7.
    const eps = Math.fround(1e-7);
    expectArraysClose([value], [-Math.log(eps) - Math.log(1 - Math.fround(1 - 1e-7))], {atol: 1e-3});
    for (const g of grad) expect(Number.isFinite(g)).toBe(true);
  });

  it('mse is the squared difference', () => {
    const e = tf.tidy(() => entryLosses(tf.tensor1d([1, 3]), tf.tensor1d([2, 0]), 'mse'));
    expectArraysClose(e, [1, 9], {atol: 0});
    e.dispose();
  });
});

/** log Γ in float64 (Lanczos, g = 7, 9 terms; relative error ~1e-15): the reference. */
function lgamma64(z: number): number {
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (z < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * z))) - lgamma64(1 - z);
  z -= 1;
  let x = c[0];
  for (let i = 1; i < 9; i++) x += c[i] / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(x);
}
/** −log P(x | μ) of the Poisson, float64. */
const poisson64 = (mu: number, x: number) => mu - x * Math.log(mu) + lgamma64(x + 1);
/** −log P(x | μ, r) of the negative binomial, float64, straight from its pmf. */
const nb64 = (mu: number, r: number, x: number) =>
  -(lgamma64(x + r) - lgamma64(r) - lgamma64(x + 1) + r * Math.log(r / (r + mu)) + x * Math.log(mu / (r + mu)));

describe('count likelihoods (wasm)', () => {
  beforeAll(async () => { await useBackend('wasm'); });

  it('logGamma matches a float64 Lanczos log Γ from 1e-3 to 1e5', () => {
    const zs = [1e-3, 0.1, 0.5, 1, 1.5, 2, 3.7, 10, 55.5, 1000, 1e5];
    const got = tf.tidy(() => logGamma(tf.tensor1d(zs)).dataSync());
    // float32: absolute 1e-5 near the minimum, relative 1e-6 where log Γ is large.
    zs.forEach((z, i) => expect(Math.abs(got[i] - lgamma64(z))).toBeLessThan(2e-5 + 1e-6 * Math.abs(lgamma64(z))));
  });

  it('logGammaRatio is log Γ(x + r) − log Γ(r) (float64 reference), also where both are huge', () => {
    const x = [0, 1, 7, 300, 6, 2500], r = [0.2, 3, 0.5, 12, 1e5, 1e6];
    const got = tf.tidy(() => logGammaRatio(tf.tensor1d(x), tf.tensor1d(r)).dataSync());
    expectArraysClose(got, x.map((xi, i) => lgamma64(xi + r[i]) - lgamma64(r[i])), {atol: 1e-4, rtol: 2e-6});
  });

  it('poisson loss is −log P(x | μ) (closed form, float64 reference)', () => {
    const mu = [0.5, 2, 7.5, 30], x = [0, 3, 7, 41];
    const got = tf.tidy(() => entryLosses(tf.tensor1d(mu), tf.tensor1d(x), 'poisson').dataSync());
    expectArraysClose(got, mu.map((m, i) => poisson64(m, x[i])), {atol: 1e-4, rtol: 1e-5});
  });

  it('negative-binomial loss is −log P(x | μ, r) and tends to Poisson as r grows', () => {
    const mu = [0.5, 2, 7.5, 30, 30], x = [0, 3, 7, 41, 0], logR = [Math.log(0.3), 0, Math.log(5), Math.log(2), Math.log(50)];
    const got = tf.tidy(() => entryLosses(tf.tensor1d(mu), tf.tensor1d(x), negativeBinomialLoss(tf.tensor1d(logR))).dataSync());
    expectArraysClose(got, mu.map((m, i) => nb64(m, Math.exp(logR[i]), x[i])), {atol: 2e-4, rtol: 1e-5});
    // At r = 1e5, log Γ(r) ≈ 1e6: a difference of two float32 log Γ would be off by ~0.1 here.
    const nearPoisson = tf.tidy(() => entryLosses(tf.tensor1d([4]), tf.tensor1d([6]), negativeBinomialLoss(tf.scalar(Math.log(1e5)))).dataSync()[0]);
    expect(Math.abs(nearPoisson - nb64(4, 1e5, 6))).toBeLessThan(1e-4);
    expect(Math.abs(nearPoisson - poisson64(4, 6))).toBeLessThan(1e-3);
  });

  it('negative-binomial gradients in μ and log r match float64 finite differences', () => {
    const mu = [0.7, 3, 12], x = [1, 0, 20], logR = [0.3, -0.5, 1.2];
    const [gMu, gLogR] = tf.tidy(() => {
      const f = (m: tf.Tensor, l: tf.Tensor) => tf.sum(entryLosses(m, tf.tensor1d(x), negativeBinomialLoss(l)));
      return tf.grads(f)([tf.tensor1d(mu), tf.tensor1d(logR)]).map((g) => g.dataSync());
    });
    const h = 1e-6;
    const dMu = mu.map((m, i) => (nb64(m + h, Math.exp(logR[i]), x[i]) - nb64(m - h, Math.exp(logR[i]), x[i])) / (2 * h));
    const dLogR = mu.map((m, i) => (nb64(m, Math.exp(logR[i] + h), x[i]) - nb64(m, Math.exp(logR[i] - h), x[i])) / (2 * h));
    expectArraysClose(gMu, dMu, {atol: 1e-4, rtol: 1e-3});
    expectArraysClose(gLogR, dLogR, {atol: 1e-4, rtol: 1e-3});
  });

  it('poisson gradient in μ is 1 − x/μ (closed form)', () => {
    const mu = [0.5, 2, 9], x = [2, 2, 0];
    const g = tf.tidy(() => tf.grad((m: tf.Tensor) => tf.sum(entryLosses(m, tf.tensor1d(x), 'poisson')))(tf.tensor1d(mu)).dataSync());
    expectArraysClose(g, mu.map((m, i) => 1 - x[i] / m), {atol: 1e-5});
  });

  it('throws naming the option for an unknown loss', () => {
    expect(() => checkLossOptions('f', 'huber', 'sum')).toThrow(/f: loss must be 'mse', 'bce', 'poisson'.* got 'huber'/);
    expect(() => negativeBinomialLoss(1 as unknown as tf.Tensor)).toThrow(/logDispersion must be a tensor/);
  });
});
