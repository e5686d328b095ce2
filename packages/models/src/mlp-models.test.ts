import * as tf from '@tensorflow/tfjs-core';
import {isBackendInstalled, useBackend} from '@encoderless/backends';
import {countParameters} from '@encoderless/load';
import {describeEachBackend, expectArraysClose, expectNoLeaks, makeSeededTensor, numericGradient, testBackendNames} from '@encoderless/test-utils';
import {BadModelConfigError, createMlpDecoder, createMlpEncoder, getModelWeights} from './index';
import type {MlpActivation, MlpOutputLink, Model} from './index';

/** The activations and links written out in float64, independently of tfjs. */
const act64: Record<MlpActivation | MlpOutputLink, (v: number) => number> = {
  relu: (v) => Math.max(v, 0),
  tanh: Math.tanh,
  elu: (v) => (v > 0 ? v : Math.expm1(v)),
  softplus: (v) => Math.log1p(Math.exp(v)),
  identity: (v) => v,
  sigmoid: (v) => 1 / (1 + Math.exp(-v)),
  exp: Math.exp,
};

/**
 * The MLP in float64: for each layer, h ← f(h·W + b) with W [in, out] row-major, f the
 * activation between layers and the link after the last. Weights are read from the model as
 * `layer<i>/linear/kernel` and `…/bias`, so the names are checked too.
 */
function naiveMlp(model: Model, z: Float64Array, batch: number, activation: MlpActivation, link: MlpOutputLink): Float64Array {
  const weights = getModelWeights(model);
  const byName = new Map(weights.map((w) => [w.name, {values: Float64Array.from(w.tensor.dataSync()), shape: w.tensor.shape}]));
  tf.dispose(weights.map((w) => w.tensor));
  const layers = weights.length / 2;
  let h = z, width = z.length / batch;
  for (let l = 0; l < layers; l++) {
    const kernel = byName.get(`layer${l}/linear/kernel`)!, bias = byName.get(`layer${l}/linear/bias`)!;
    const [inDim, outDim] = kernel.shape;
    expect(inDim).toBe(width);
    const f = act64[l === layers - 1 ? link : activation];
    const out = new Float64Array(batch * outDim);
    for (let r = 0; r < batch; r++) {
      for (let j = 0; j < outDim; j++) {
        let s = bias.values[j];
        for (let i = 0; i < inDim; i++) s += h[r * inDim + i] * kernel.values[i * outDim + j];
        out[r * outDim + j] = f(s);
      }
    }
    h = out;
    width = outDim;
  }
  return h;
}

describeEachBackend({useBackend, isBackendInstalled}, testBackendNames(), (backend) => {
  const cases: [MlpActivation, MlpOutputLink][] = [['relu', 'identity'], ['tanh', 'sigmoid'], ['elu', 'softplus'], ['softplus', 'exp']];
  for (const [activation, link] of cases) {
    it(`${backend}: forward m=3 hidden=[5, 4] n=6, ${activation} then ${link}, against float64 (atol 1e-5, rtol 1e-5)`, () => {
      const dec = createMlpDecoder({latentDim: 3, outputDim: 6, hidden: [5, 4], activation, outputLink: link, seed: 7});
      const z = makeSeededTensor([4, 3], {seed: 1, min: -2, max: 2});
      const expected = naiveMlp(dec, Float64Array.from(z.dataSync()), 4, activation, link);
      const out = tf.tidy(() => dec.apply(z));
      expect(out.shape).toEqual([4, 6]);
      // float32 sums of ≤ 5 products of order 1, through ≤ 3 layers: 1e-5.
      expectArraysClose(out, expected, {atol: 1e-5, rtol: 1e-5});
      tf.dispose([z, out]);
      dec.dispose();
    });
  }

  it(`${backend}: hidden [] is one linear layer z·W + b (identity link by default)`, () => {
    const dec = createMlpDecoder({latentDim: 2, outputDim: 3, seed: 2});
    expect(dec.weightNames).toEqual(['layer0/linear/kernel', 'layer0/linear/bias']);
    const z = tf.tensor2d([[1, -2]]);
    const expected = naiveMlp(dec, Float64Array.of(1, -2), 1, 'relu', 'identity');
    expectArraysClose(tf.tidy(() => dec.apply(z)), expected, {atol: 1e-6});
    z.dispose();
    dec.dispose();
  });

  /** Σ c ⊙ decoder(z) with fixed coefficients c: a scalar whose gradient checks every output. */
  const smoothCases: [MlpActivation, MlpOutputLink][] = [['tanh', 'softplus'], ['elu', 'exp'], ['softplus', 'sigmoid']];
  for (const [activation, link] of smoothCases) {
    it(`${backend}: gradients of a tiny net (m=2 hidden=[3] n=2, ${activation}, ${link}) match central differences (eps 1e-2, atol 2e-3)`, () => {
      const dec = createMlpDecoder({latentDim: 2, outputDim: 2, hidden: [3], activation, outputLink: link, seed: 3});
      const z = makeSeededTensor([2, 2], {seed: 4, min: -1, max: 1});
      const c = makeSeededTensor([2, 2], {seed: 5, min: -1, max: 1});
      const loss = () => tf.sum(tf.mul(dec.apply(z), c)) as tf.Scalar;
      // With respect to the input z.
      const gz = tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(tf.mul(dec.apply(x), c)))(z).dataSync());
      const nz = numericGradient((x) => tf.sum(tf.mul(dec.apply(x), c)) as tf.Scalar, z, 1e-2);
      // Error of central differences: eps²·f'''/6 ≈ 1e-5 here, plus float32 rounding ≈ 1e-7/eps = 1e-5.
      expectArraysClose(gz, nz, {atol: 2e-3, rtol: 1e-2});
      // With respect to every weight, perturbing one entry at a time through assign.
      const {grads} = tf.variableGrads(loss, dec.variables as tf.Variable[]);
      for (const v of dec.variables) {
        const original = Float32Array.from(v.dataSync());
        const numeric = original.map((_, i) => {
          const at = (delta: number) => {
            const values = Float32Array.from(original);
            values[i] += delta;
            tf.tidy(() => v.assign(tf.tensor(values, v.shape)));
            return tf.tidy(() => loss().dataSync()[0]);
          };
          const g = (at(1e-2) - at(-1e-2)) / 2e-2;
          tf.tidy(() => v.assign(tf.tensor(original, v.shape)));
          return g;
        });
        expectArraysClose(grads[v.name], numeric, {atol: 2e-3, rtol: 1e-2});
      }
      tf.dispose([z, c, ...Object.values(grads)]);
      dec.dispose();
    });
  }
});

describe('MLP models (wasm)', () => {
  beforeAll(async () => { await useBackend('wasm'); });

  it.each([
    [3, [5, 4], 7, 3 * 5 + 5 + 5 * 4 + 4 + 4 * 7 + 7],
    [3, [], 7, 3 * 7 + 7],
    [10, [32, 64], 200, 10 * 32 + 32 + 32 * 64 + 64 + 64 * 200 + 200],
  ])('decoder m=%p hidden=%p n=%p has the hand count %p (countParameters of @encoderless/load, and the variables\' sizes)',
    (m, hidden, n, count) => {
      const dec = createMlpDecoder({latentDim: m, outputDim: n, hidden, seed: 1});
      expect(countParameters(dec)).toBe(count);
      expect(dec.variables.reduce((s, v) => s + v.size, 0)).toBe(count);
      dec.dispose();
    });

  it('encoder n=6 hidden=[4] m=2: shapes, count, linear output, weight names', () => {
    const enc = createMlpEncoder({inputDim: 6, latentDim: 2, hidden: [4], activation: 'tanh', seed: 2});
    expect([enc.inputShape, enc.outputShape]).toEqual([[6], [2]]);
    expect(countParameters(enc)).toBe(6 * 4 + 4 + 4 * 2 + 2);
    expect(enc.weightNames).toEqual(['layer0/linear/kernel', 'layer0/linear/bias', 'layer1/linear/kernel', 'layer1/linear/bias']);
    const x = makeSeededTensor([3, 6], {seed: 3});
    const expected = naiveMlp(enc, Float64Array.from(x.dataSync()), 3, 'tanh', 'identity');
    expectArraysClose(tf.tidy(() => enc.apply(x)), expected, {atol: 1e-5, rtol: 1e-5});
    x.dispose();
    enc.dispose();
  });

  it('same seed, same weights; another seed, other weights; apply leaks nothing; dispose frees everything', () => {
    const before = tf.memory().numTensors;
    const a = createMlpDecoder({latentDim: 3, outputDim: 4, hidden: [5], seed: 9});
    const b = createMlpDecoder({latentDim: 3, outputDim: 4, hidden: [5], seed: 9});
    const c = createMlpDecoder({latentDim: 3, outputDim: 4, hidden: [5], seed: 10});
    expect(Array.from(a.variables[0].dataSync())).toEqual(Array.from(b.variables[0].dataSync()));
    expect(Array.from(a.variables[0].dataSync())).not.toEqual(Array.from(c.variables[0].dataSync()));
    const z = tf.ones([2, 3]);
    expectNoLeaks(() => a.apply(z));
    z.dispose();
    [a, b, c].forEach((m) => m.dispose());
    expect(tf.memory().numTensors).toBe(before);
  });

  it.each([
    [{latentDim: 0, outputDim: 2}, /^createMlpDecoder: latentDim must be a positive integer, got 0$/],
    [{latentDim: 2, outputDim: 2.5}, /^createMlpDecoder: outputDim must be a positive integer, got 2.5$/],
    [{latentDim: 2, outputDim: 2, hidden: [4, 0]}, /^createMlpDecoder: hidden\[1\] must be a positive integer width, got 0$/],
    [{latentDim: 2, outputDim: 2, hidden: 8}, /^createMlpDecoder: hidden must be an array of layer widths \(may be empty\), got 8$/],
    [{latentDim: 2, outputDim: 2, activation: 'gelu'}, /^createMlpDecoder: activation must be one of 'relu', 'tanh', 'elu', 'softplus', got "gelu"$/],
    [{latentDim: 2, outputDim: 2, outputLink: 'log'}, /^createMlpDecoder: outputLink must be one of 'identity', 'sigmoid', 'softplus', 'exp', got "log"$/],
    [{latentDim: 2, outputDim: 2, outputLink: 'toString'}, /outputLink must be one of/],
  ])('throws BadModelConfigError for %p', (options, message) => {
    const run = () => createMlpDecoder(options as never);
    expect(run).toThrow(BadModelConfigError);
    expect(run).toThrow(message);
  });
});
