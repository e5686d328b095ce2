import {readFileSync, writeFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import {isBackendInstalled, useBackend} from '@encoderless/backends';
import {createModel, modelKinds, type ModelSpec} from '@encoderless/models';
import {createRandom} from '@encoderless/random';
import {describeEachBackend, testBackendNames} from '@encoderless/test-utils';
import {createAdam, negativeBinomialLoss, reduceLoss, sampleLosses, type ReconstructionLoss} from './index';

// Every zoo model and every reconstruction loss, forward and backward, on webgpu and wasm (or the
// backends ENCODERLESS_TEST_BACKENDS names) against tfjs-cpu on the same seeded inputs and
// weights: the loss and its gradient with respect to the model's input (a decoder's rows), every
// trainable variable (batch norm's γ and β included) and the negative-binomial dispersion; then
// Adam's update and the latent table's gather with its gradient (a segment sum). Batches are
// small so that a software GPU runs them. The MNIST models have the paper's sizes, and a linear
// MLP decoder has the MNIST decoder's first layer at a batch of 8, where tfjs 4.22's webgpu
// splits K in the rows' gradient (see registerWebGpuKernels): which program a kernel runs
// depends on the shapes. The CIFAR models have capacity 8 instead of the paper's 64 (1x1) and
// 16 (4x4): the reference, tfjs-cpu's Conv2DBackpropFilter, reads its operands through generic
// buffer accessors (a few million products a second) and takes minutes at the paper's widths;
// the layers, kernels, strides, paddings and batch norms are the paper's, and every width stays
// a multiple of 4, as the paper's are, so that webgpu runs the same vectorised programs.
//
// Error of a tensor g: max|g − g_cpu| / max|g_cpu| (or max|g| where g_cpu is all zeros), so a
// tensor is compared on its own scale; the loss likewise. Tolerance 1e-3: float32 sums over K
// terms in another order differ by about √K·6e-8 of the terms' scale (K ≤ 6272 here: ~5e-6),
// and so do the transcendental functions of two implementations; a wrong index, padding or
// reduction errs by O(1). The one exception, a bias whose gradient a batch norm cancels, is
// measured against its layer's kernel gradient (see cancelledInto). ENCODERLESS_GRAD_REPORT=1
// prints the measured errors as a table.
//
// On cpu the same cases also name the kernels they call (tf.profile): they must be those of
// @encoderless/backends' tfjs-specs/zoo-kernels.json, from which the tfjs-core spec files that
// run on webgpu are chosen. ENCODERLESS_WRITE_ZOO_KERNELS=1 rewrites that file instead; then
// run `node tfjs-specs/run-tfjs-specs.mjs --select` in packages/backends.

const TOLERANCE = 1e-3;

type LossChoice = 'mse' | 'bce' | 'poisson' | 'negative-binomial';

interface ZooCase {
  readonly name: string;
  readonly spec: ModelSpec;
  readonly loss: LossChoice;
  /** Batch norm on the batch's statistics. Default false. */
  readonly training?: boolean;
  /** 'sum' and 'mean' are reduceLoss's; 'samples' sums sampleLosses (what the reports read). Default 'sum'. */
  readonly reduction?: 'sum' | 'mean' | 'samples';
  readonly batch: number;
}

/** A seeded 0/1 mask [m·n] with about half the entries set: the sparse decoder's network. */
function seededMask(size: number, seed: number): number[] {
  const rng = createRandom(seed);
  return Array.from({length: size}, () => (rng.uniform(0, 1) < 0.5 ? 1 : 0));
}

const sparse = {kind: 'sparse-decoder', options: {latentDim: 8, outputDim: 24, mask: seededMask(8 * 24, 7), seed: 1}};
const linear = {kind: 'linear-encoder', options: {inputDim: 24, latentDim: 8, seed: 2}};
const cifar = (kind: string, variant: string, seed: number) => ({kind, options: {variant, capacity: 8, seed}});

const CASES: readonly ZooCase[] = [
  {name: 'sparse-decoder mse', spec: sparse, loss: 'mse', batch: 4},
  {name: 'linear-encoder mse', spec: linear, loss: 'mse', batch: 4},
  {name: 'autoencoder(linear, sparse) mse mean', spec: {kind: 'autoencoder', options: {encoder: linear, decoder: sparse}}, loss: 'mse',
    reduction: 'mean', batch: 4},
  {name: 'mnist-decoder bce', spec: {kind: 'mnist-decoder', options: {latentDim: 20, seed: 3}}, loss: 'bce', batch: 1},
  {name: 'mnist-encoder mse', spec: {kind: 'mnist-encoder', options: {latentDim: 20, seed: 4}}, loss: 'mse', batch: 1},
  {name: 'cifar-decoder 1x1 training bce', spec: cifar('cifar-decoder', '1x1', 5), loss: 'bce', training: true, batch: 2},
  {name: 'cifar-decoder 1x1 inference bce', spec: cifar('cifar-decoder', '1x1', 5), loss: 'bce', batch: 2},
  {name: 'cifar-decoder 4x4 training bce', spec: cifar('cifar-decoder', '4x4', 6), loss: 'bce', training: true, batch: 2},
  {name: 'cifar-decoder 4x4 inference bce', spec: cifar('cifar-decoder', '4x4', 6), loss: 'bce', batch: 2},
  {name: 'cifar-encoder 1x1 training mse', spec: cifar('cifar-encoder', '1x1', 7), loss: 'mse', training: true, batch: 2},
  {name: 'cifar-encoder 1x1 inference mse', spec: cifar('cifar-encoder', '1x1', 7), loss: 'mse', batch: 2},
  {name: 'cifar-encoder 4x4 training mse', spec: cifar('cifar-encoder', '4x4', 8), loss: 'mse', training: true, batch: 2},
  {name: 'cifar-encoder 4x4 inference mse', spec: cifar('cifar-encoder', '4x4', 8), loss: 'mse', batch: 2},
  {name: 'mlp-decoder linear 20→6272 mse, batch 8', loss: 'mse', batch: 8,
    spec: {kind: 'mlp-decoder', options: {latentDim: 20, outputDim: 6272, seed: 14}}},
  // Every activation and output link of the MLP decoder, each with the loss its link is for.
  {name: 'mlp-decoder relu identity mse', loss: 'mse', batch: 4,
    spec: {kind: 'mlp-decoder', options: {latentDim: 6, outputDim: 40, hidden: [32, 16], activation: 'relu', outputLink: 'identity', seed: 9}}},
  {name: 'mlp-decoder tanh sigmoid bce samples', loss: 'bce', reduction: 'samples', batch: 4,
    spec: {kind: 'mlp-decoder', options: {latentDim: 6, outputDim: 40, hidden: [32], activation: 'tanh', outputLink: 'sigmoid', seed: 10}}},
  {name: 'mlp-decoder elu softplus poisson', loss: 'poisson', batch: 4,
    spec: {kind: 'mlp-decoder', options: {latentDim: 6, outputDim: 40, hidden: [32], activation: 'elu', outputLink: 'softplus', seed: 11}}},
  {name: 'mlp-decoder softplus exp negative-binomial', loss: 'negative-binomial', batch: 4,
    spec: {kind: 'mlp-decoder', options: {latentDim: 6, outputDim: 40, hidden: [32], activation: 'softplus', outputLink: 'exp', seed: 12}}},
  {name: 'mlp-encoder mse', spec: {kind: 'mlp-encoder', options: {inputDim: 40, latentDim: 6, hidden: [32], activation: 'relu', seed: 13}},
    loss: 'mse', batch: 4},
];

/** The cases whose batch norms normalise with the batch's statistics. */
const TRAINING = new Set(CASES.filter((c) => c.training).map((c) => c.name));

/** Values of one run: the scalar and every tensor compared, by name. */
interface Outcome {
  readonly loss: number;
  readonly tensors: ReadonlyMap<string, Float32Array>;
}

/** Uniform values from a seed, as a JS array: the same on every backend. */
function seededValues(size: number, seed: number, low: number, high: number, integers = false): Float32Array {
  const rng = createRandom(seed);
  return Float32Array.from({length: size}, () => (integers ? Math.floor(rng.uniform(low, high)) : rng.uniform(low, high)));
}

const sizeOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** A trainable variable holding `values` (the tensor it is made from is released). */
const variableOf = (values: Float32Array, shape: readonly number[]) => tf.tidy(() => tf.variable(tf.tensor(values, [...shape])));

/** Targets the loss is defined for: probabilities for bce, counts for the likelihoods. */
function target(loss: LossChoice, shape: number[]): tf.Tensor {
  const values = loss === 'bce' ? seededValues(sizeOf(shape), 21, 0, 1)
    : loss === 'mse' ? seededValues(sizeOf(shape), 21, -1, 1)
      : seededValues(sizeOf(shape), 21, 0, 6, true);
  return tf.tensor(values, shape);
}

/** Reads every tensor asynchronously (webgpu's dataSync throws in Node) and disposes it. */
async function read(named: ReadonlyMap<string, tf.Tensor>): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  for (const [name, t] of named) out.set(name, await t.data() as Float32Array);
  tf.dispose([...named.values()]);
  return out;
}

/** One forward and backward pass of a case on the current backend. */
async function runCase(c: ZooCase): Promise<Outcome> {
  const model = createModel(c.spec);
  const logDispersion = c.loss === 'negative-binomial' ? variableOf(seededValues(40, 31, -1, 2), [40]) : undefined;
  const loss: ReconstructionLoss = logDispersion ? negativeBinomialLoss(logDispersion) : c.loss as ReconstructionLoss;
  // The input is a variable too, so that one call differentiates it with the weights.
  const input = variableOf(seededValues(c.batch * sizeOf(model.inputShape), 20, -1, 1), [c.batch, ...model.inputShape]);
  const named = new Map<string, tf.Variable>([['input', input], ...model.variables.map((v, i) => [model.weightNames[i], v] as const)]);
  if (logDispersion) named.set('logDispersion', logDispersion);
  try {
    const {value, grads} = tf.tidy(() => {
      const x = target(c.loss, [c.batch, ...model.outputShape]);
      return tf.variableGrads(() => {
        const out = model.apply(input, {training: c.training ?? false});
        return c.reduction === 'samples' ? tf.sum(sampleLosses(out, x, loss)) : reduceLoss(out, x, loss, c.reduction ?? 'sum');
      }, [...named.values()]);
    });
    const lossValue = (await value.data())[0];
    value.dispose();
    return {loss: lossValue, tensors: await read(new Map([...named].map(([name, v]) => [name, grads[v.name]])))};
  } finally {
    tf.dispose([...named.values()]);
    model.dispose();
  }
}

/** Shapes of the variables Adam steps: the MNIST decoder's first layer and a convolution's filter. */
const ADAM_SHAPES = [[20, 6272], [6272], [4, 4, 64, 128], [64]];

/** Two Adam steps (with weight decay) from seeded weights and gradients; the tensors are the weights' updates. */
async function runAdam(): Promise<Outcome> {
  const initial = ADAM_SHAPES.map((shape, i) => seededValues(sizeOf(shape), 40 + i, -1, 1));
  const variables = ADAM_SHAPES.map((shape, i) => variableOf(initial[i], shape));
  const adam = createAdam(variables, {learningRate: 1e-2, weightDecay: 1e-4});
  try {
    for (let step = 0; step < 2; step++) {
      const grads = ADAM_SHAPES.map((shape, i) => tf.tensor(seededValues(sizeOf(shape), 50 + 10 * step + i, -1, 1), shape));
      adam.applyGradients(grads);
      tf.dispose(grads);
    }
    const after = await read(new Map(variables.map((v, i) => [`update of [${ADAM_SHAPES[i]}]`, v.clone()])));
    return {loss: 0, tensors: new Map([...after].map(([name, values], i) => [name, values.map((v, j) => v - initial[i][j])]))};
  } finally {
    adam.dispose();
    tf.dispose(variables);
  }
}

/**
 * The trainers' tf.gather of a batch from the data, and its gradient (an unsorted segment sum,
 * rows repeated): Σ gather(table, indices) · w for a fixed w.
 */
function runGather(shape: number[]): () => Promise<Outcome> {
  return async () => {
    const indices = [3, 0, 7, 3, 9, 3];
    const table = variableOf(seededValues(sizeOf(shape), 60, -1, 1), shape);
    try {
      const {value, grads} = tf.tidy(() => {
        const w = tf.tensor(seededValues(indices.length * sizeOf(shape.slice(1)), 61, -1, 1), [indices.length, ...shape.slice(1)]);
        return tf.variableGrads(() => tf.sum(tf.mul(tf.gather(table, tf.tensor1d(indices, 'int32')), w)), [table]);
      });
      const lossValue = (await value.data())[0];
      value.dispose();
      return {loss: lossValue, tensors: await read(new Map([['table', grads[table.name]]]))};
    } finally {
      table.dispose();
    }
  };
}

/** Every check, by name: the zoo's cases, Adam, the gathers. */
const CHECKS: ReadonlyMap<string, () => Promise<Outcome>> = new Map([
  ...CASES.map((c) => [c.name, () => runCase(c)] as const),
  ['adam two steps, weight decay', runAdam],
  ['gather rows [40,20] at 6 indices', runGather([40, 20])],
  ['gather samples [10,28,28,1] at 6 indices', runGather([10, 28, 28, 1])],
]);

/** tfjs-cpu's outcome of each check, computed once, with the kernels it called. */
const onCpu = new Map<string, Promise<{outcome: Outcome; kernels: string[]}>>();
function cpuOutcome(name: string): Promise<{outcome: Outcome; kernels: string[]}> {
  if (!onCpu.has(name)) {
    onCpu.set(name, (async () => {
      await useBackend('cpu');
      let outcome: Outcome | undefined;
      const info = await tf.profile(async () => { outcome = await CHECKS.get(name)!(); return []; });
      // Profiles also name customGrad scopes; only registered kernels are kernels.
      return {outcome: outcome!, kernels: info.kernelNames.filter((k) => tf.getKernel(k, 'cpu') !== undefined)};
    })());
  }
  return onCpu.get(name)!;
}

interface Measured {
  readonly backend: string;
  readonly check: string;
  readonly tensor: string;
  readonly scale: number;
  readonly error: number;
}
const measured: Measured[] = [];

/**
 * A bias feeding a training-mode batch norm gets no gradient: the normalisation subtracts each
 * channel's batch mean, so what reaches the bias cancels, and both backends give rounding noise
 * there (~1e-6 of the layer's other gradients). Such a tensor is measured against its layer's
 * kernel gradient instead: that kernel's name, or undefined for any other tensor.
 */
function cancelledInto(tensor: string, names: readonly string[]): string | undefined {
  const bias = /^layer(\d+)\/(conv2d|convTranspose2d)\/bias$/.exec(tensor);
  if (!bias || !names.includes(`layer${Number(bias[1]) + 1}/batchnorm/gamma`)) return undefined;
  return `layer${bias[1]}/${bias[2]}/kernel`;
}

function maxAbs(values: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < values.length; i++) max = Math.max(max, Math.abs(values[i]));
  return max;
}

/** max|a − e| / max|e| (max|a| where e is all zeros). */
function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): {error: number; scale: number} {
  let diff = 0, scale = 0, actualScale = 0;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Number.isNaN(actual[i]) ? Infinity : Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
    actualScale = Math.max(actualScale, Math.abs(actual[i]));
  }
  return {error: scale > 0 ? diff / scale : actualScale, scale};
}

describeEachBackend({useBackend, isBackendInstalled}, testBackendNames(['webgpu', 'wasm']), (backend) => {
  for (const name of CHECKS.keys()) {
    it(`${name}: the loss and every gradient within ${TOLERANCE} of tfjs-cpu's (relative to the tensor's largest entry)`, async () => {
      const {outcome: expected} = await cpuOutcome(name);
      await useBackend(backend);
      const tensorsBefore = tf.memory().numTensors;
      const actual = await CHECKS.get(name)!();
      expect(tf.memory().numTensors).toBe(tensorsBefore); // every model, optimizer and gradient disposed
      const errors: string[] = [];
      const record = (tensor: string, a: ArrayLike<number>, e: ArrayLike<number>) => {
        const {error, scale} = relativeError(a, e);
        measured.push({backend, check: name, tensor, scale, error});
        if (!(error <= TOLERANCE)) errors.push(`${tensor}: relative error ${error.toExponential(2)} (scale ${scale.toExponential(2)})`);
      };
      if (name !== 'adam two steps, weight decay') record('loss', [actual.loss], [expected.loss]);
      const names = [...expected.tensors.keys()];
      expect([...actual.tensors.keys()]).toEqual(names);
      for (const [tensor, values] of expected.tensors) {
        const kernel = TRAINING.has(name) ? cancelledInto(tensor, names) : undefined;
        if (kernel === undefined) {
          record(tensor, actual.tensors.get(tensor)!, values);
        } else {
          // Both noise levels against the kernel gradient's scale.
          const scale = maxAbs(expected.tensors.get(kernel)!);
          const error = Math.max(maxAbs(values), maxAbs(actual.tensors.get(tensor)!)) / scale;
          measured.push({backend, check: name, tensor: `${tensor} (≈ 0, against ${kernel})`, scale, error});
          if (!(error <= TOLERANCE)) errors.push(`${tensor}: ${error.toExponential(2)} of the kernel gradient's scale, expected ≈ 0`);
        }
      }
      expect(errors).toEqual([]);
    }, 300_000);
  }
});

describe('zoo kernels', () => {
  const listPath = join(dirname(require.resolve('@encoderless/backends/package.json')), 'tfjs-specs', 'zoo-kernels.json');

  it('tfjs-specs/zoo-kernels.json lists exactly the kernels the zoo calls on cpu, and the checks that call each', async () => {
    const callers: Record<string, string[]> = {};
    for (const name of CHECKS.keys()) {
      for (const kernel of (await cpuOutcome(name)).kernels) (callers[kernel] ??= []).push(name);
    }
    const kernels = Object.fromEntries(Object.keys(callers).sort().map((k) => [k, callers[k]]));
    if (process.env.ENCODERLESS_WRITE_ZOO_KERNELS === '1') {
      writeFileSync(listPath, JSON.stringify({
        about: 'The tfjs kernels that a forward and backward pass of every zoo model and reconstruction loss, Adam\'s update and ' +
          'the latent table\'s gather call on cpu, with the checks of @encoderless/latent\'s zoo-gradients.test.ts that call each. ' +
          'Written by `ENCODERLESS_WRITE_ZOO_KERNELS=1 npx jest src/zoo-gradients.test.ts` in packages/latent; ' +
          '`node tfjs-specs/run-tfjs-specs.mjs --select` chooses the webgpu spec files from it.',
        tfjsVersion: tf.version_core,
        kernels,
      }, null, 2) + '\n');
    }
    const listed = JSON.parse(readFileSync(listPath, 'utf8')) as {tfjsVersion: string; kernels: Record<string, string[]>};
    expect({tfjsVersion: listed.tfjsVersion, kernels: listed.kernels}).toEqual({tfjsVersion: tf.version_core, kernels});
  }, 300_000);

  it('every model kind of the zoo has a case', () => {
    const kinds = new Set(CASES.map((c) => c.spec.kind));
    expect(Object.keys(modelKinds).filter((k) => !kinds.has(k))).toEqual([]);
  });
});

afterAll(() => {
  if (process.env.ENCODERLESS_GRAD_REPORT !== '1') return;
  const rows = measured.map((m) => `| ${m.backend} | ${m.check} | ${m.tensor} | ${m.scale.toExponential(1)} | ${m.error.toExponential(1)} |`);
  console.log([`| backend | check | tensor | max abs (cpu) | relative error (tolerance ${TOLERANCE}) |`, '|---|---|---|---:|---:|', ...rows].join('\n'));
});
