import * as tf from '@tensorflow/tfjs-core';
import {
  describeEachBackend,
  expectArraysClose,
  makeSeededTensor,
  numericGradient,
  testBackendNames,
} from '@encoderless/test-utils';
import {isBackendInstalled, useBackend} from './index';

// Per-op gradient checks: tf.grads (the registered gradient functions, and on wasm the kernels
// registerWasmKernels adds) against central finite differences, for every op the model zoo
// trains through. Each loss is Σ op(inputs) · w with a fixed random w, so that no gradient is
// trivially constant (Σ batchNorm(x) does not depend on x at all).
//
// Tolerances: finite differences in float32 with eps = 1e-2 err by about eps²·|f'''| plus the
// rounding of f, |f|·6e-8/eps, both ≤ 1e-4 at these sizes. The worst error measured is 3e-4
// (conv2d s=1 same on wasm, whose XNNPACK sums in another order); atol 2e-3 leaves ~7× margin
// and still fails on any wrong index or padding, which errs by O(1). Set
// ENCODERLESS_GRAD_REPORT=1 to print the measured errors as a table.

interface InputSpec {
  readonly shape: number[];
  /** Keeps values this far from 0: for ops with a kink there. */
  readonly minAbs?: number;
  readonly min?: number;
  readonly max?: number;
}

interface GradCase {
  readonly name: string;
  readonly inputs: Record<string, InputSpec>;
  /** Differentiate with respect to these inputs (default: all). */
  readonly wrt?: readonly string[];
  readonly loss: (t: Record<string, tf.Tensor>) => tf.Scalar;
  readonly atol?: number;
  readonly rtol?: number;
}

const ATOL = 2e-3;
const RTOL = 1e-2;
const EPS = 1e-2;

/** Σ y · w for a fixed w of y's shape (seeded, the same on every backend). */
function project(y: tf.Tensor): tf.Scalar {
  return tf.sum(tf.mul(y, makeSeededTensor(y.shape, {seed: 99})));
}

const t4 = (t: tf.Tensor): tf.Tensor4D => t as tf.Tensor4D;

function conv2dCase(
  x: number[], f: number[], stride: number, pad: 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]],
): GradCase {
  const padName = typeof pad === 'string' ? pad : `explicit ${JSON.stringify(pad.slice(1, 3))}`;
  return {
    name: `conv2d x=${JSON.stringify(x)} f=${JSON.stringify(f)} s=${stride} ${padName}`,
    inputs: {x: {shape: x}, filter: {shape: f}},
    loss: ({x, filter}) => project(tf.conv2d(t4(x), t4(filter), stride, pad)),
  };
}

function convTransposeCase(
  x: [number, number, number, number], f: [number, number, number, number], out: [number, number, number, number],
  stride: number, pad: 'same' | 'valid' | number,
): GradCase {
  return {
    name: `conv2dTranspose x=${JSON.stringify(x)} f=${JSON.stringify(f)} → ${JSON.stringify(out)} s=${stride} pad=${pad}`,
    inputs: {x: {shape: x}, filter: {shape: f}},
    loss: ({x, filter}) => project(tf.conv2dTranspose(t4(x), t4(filter), out, stride, pad)),
  };
}

const CASES: readonly GradCase[] = [
  {
    name: 'matMul a=[3,4] b=[4,2]',
    inputs: {a: {shape: [3, 4]}, b: {shape: [4, 2]}},
    loss: ({a, b}) => project(tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D)),
  },
  {
    name: 'add broadcast bias x=[3,4] bias=[4]',
    inputs: {x: {shape: [3, 4]}, bias: {shape: [4]}},
    loss: ({x, bias}) => project(tf.add(x, bias)),
  },
  {
    name: 'mul by constant 0/1 mask x=[3,4]',
    inputs: {x: {shape: [3, 4]}},
    loss: ({x}) => project(tf.mul(x, tf.cast(tf.greater(makeSeededTensor([3, 4], {seed: 5}), 0), 'float32'))),
  },
  {name: 'relu x=[3,4]', inputs: {x: {shape: [3, 4], minAbs: 0.1}}, loss: ({x}) => project(tf.relu(x))},
  {name: 'leakyRelu(0.1) x=[3,4]', inputs: {x: {shape: [3, 4], minAbs: 0.1}}, loss: ({x}) => project(tf.leakyRelu(x, 0.1))},
  {name: 'sigmoid x=[3,4]', inputs: {x: {shape: [3, 4], min: -3, max: 3}}, loss: ({x}) => project(tf.sigmoid(x))},
  {
    // −mean(t·log σ(z) + (1 − t)·log(1 − σ(z))), as the decoders' loss composes it.
    name: 'binary cross-entropy from log/sigmoid logits=[4,3]',
    inputs: {logits: {shape: [4, 3], min: -3, max: 3}},
    loss: ({logits}) => {
      const target = makeSeededTensor([4, 3], {seed: 6, min: 0, max: 1});
      const p = tf.sigmoid(logits);
      const ll = tf.add(tf.mul(target, tf.log(p)), tf.mul(tf.sub(1, target), tf.log(tf.sub(1, p))));
      return tf.neg(tf.mean(ll)) as tf.Scalar;
    },
  },
  {name: 'mean of squares x=[3,4]', inputs: {x: {shape: [3, 4]}}, loss: ({x}) => tf.mean(tf.square(x))},
  {name: 'sum of squares x=[3,4]', inputs: {x: {shape: [3, 4]}}, loss: ({x}) => tf.sum(tf.square(x))},
  {name: 'reshape [2,6] → [3,4]', inputs: {x: {shape: [2, 6]}}, loss: ({x}) => project(tf.tanh(tf.reshape(x, [3, 4])))},
  conv2dCase([2, 5, 5, 2], [3, 3, 2, 3], 1, 'same'),
  conv2dCase([2, 5, 5, 2], [3, 3, 2, 3], 2, 'same'),
  conv2dCase([2, 6, 6, 2], [4, 4, 2, 3], 2, 'same'),
  conv2dCase([2, 5, 5, 2], [3, 3, 2, 3], 1, 'valid'),
  conv2dCase([2, 6, 6, 2], [3, 3, 2, 3], 2, 'valid'),
  conv2dCase([2, 5, 5, 2], [3, 3, 2, 3], 2, [[0, 0], [1, 0], [0, 2], [0, 0]]),
  {
    // The MNIST decoder's upsampling layer, in miniature.
    name: 'conv2dTranspose x=[2,3,3,3] f=[4,4,2,3] → [2,6,6,2] k=4 s=2 same',
    inputs: {x: {shape: [2, 3, 3, 3]}, filter: {shape: [4, 4, 2, 3]}},
    loss: ({x, filter}) => project(tf.conv2dTranspose(t4(x), t4(filter), [2, 6, 6, 2], 2, 'same')),
  },
  convTransposeCase([2, 3, 3, 3], [4, 4, 2, 3], [2, 6, 6, 2], 2, 1), // PyTorch's padding=1: the decoders' exact call
  convTransposeCase([2, 4, 4, 3], [3, 3, 2, 3], [2, 4, 4, 2], 1, 'same'),
  convTransposeCase([2, 3, 3, 3], [3, 3, 2, 3], [2, 7, 7, 2], 2, 'valid'),
  convTransposeCase([1, 1, 1, 4], [4, 4, 2, 4], [1, 4, 4, 2], 2, 'valid'), // CIFAR 1×1 → 4×4
  conv2dCase([2, 5, 6, 2], [3, 3, 2, 3], 1, [[0, 0], [2, 0], [1, 1], [0, 0]]),
  {
    // Training-mode batch norm: statistics of this batch over [batch, height, width].
    name: 'batchNorm training x=[2,3,3,2] over axes [0,1,2]',
    inputs: {x: {shape: [2, 3, 3, 2]}, gamma: {shape: [2], min: 0.5, max: 1.5}, beta: {shape: [2]}},
    loss: ({x, gamma, beta}) => {
      const {mean, variance} = tf.moments(x, [0, 1, 2]);
      return project(tf.batchNorm(x, mean, variance, beta as tf.Tensor1D, gamma as tf.Tensor1D, 1e-3));
    },
  },
  {
    name: 'gather params=[5,3] indices=[0,2,2,4,2] (repeated)',
    inputs: {params: {shape: [5, 3]}},
    loss: ({params}) => project(tf.gather(params, tf.tensor1d([0, 2, 2, 4, 2], 'int32'))),
  },
];

interface Measured {
  readonly backend: string;
  readonly name: string;
  readonly input: string;
  readonly maxAbsError: number;
  readonly atol: number;
  readonly rtol: number;
}
const measured: Measured[] = [];

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

function checkGradients(backend: string, c: GradCase): void {
  const names = Object.keys(c.inputs);
  const values = names.map((n, i) => makeSeededTensor(c.inputs[n].shape, {seed: 11 + i, ...c.inputs[n]}));
  const withInput = (i: number, x: tf.Tensor): Record<string, tf.Tensor> =>
    Object.fromEntries(names.map((n, j) => [n, j === i ? x : values[j]]));
  try {
    const analytic = tf.tidy(() =>
      tf.grads((...xs: tf.Tensor[]) => c.loss(Object.fromEntries(names.map((n, j) => [n, xs[j]]))))(values)
        .map((g) => g.dataSync().slice()));
    for (const [i, name] of names.entries()) {
      if (c.wrt && !c.wrt.includes(name)) continue;
      const numeric = numericGradient((x) => c.loss(withInput(i, x)), values[i], EPS);
      const atol = c.atol ?? ATOL, rtol = c.rtol ?? RTOL;
      measured.push({backend, name: c.name, input: name, maxAbsError: maxAbsDiff(analytic[i], numeric), atol, rtol});
      expectArraysClose(analytic[i], numeric, {atol, rtol});
    }
  } finally {
    tf.dispose(values);
  }
}

describeEachBackend({useBackend, isBackendInstalled}, testBackendNames(), (backend) => {
  for (const c of CASES) {
    it(`${c.name}: tf.grads matches finite differences wrt ${Object.keys(c.inputs).join(', ')}`, () => {
      checkGradients(backend, c);
    });
  }
});

afterAll(() => {
  if (process.env.ENCODERLESS_GRAD_REPORT !== '1') return;
  const rows = measured.map((m) =>
    `| ${m.backend} | ${m.name} | ${m.input} | ${m.maxAbsError.toExponential(1)} | ${m.atol} + ${m.rtol}·abs(g) |`);
  console.log(['| backend | op | wrt | max abs error | tolerance |', '|---|---|---|---|---|', ...rows].join('\n'));
});
