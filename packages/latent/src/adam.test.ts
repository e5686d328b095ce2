import * as tf from '@tensorflow/tfjs-core';
import {isBackendInstalled, useBackend} from '@encoderless/backends';
import {createRandom} from '@encoderless/random';
import {describeEachBackend, expectArraysClose, expectNoLeaks, testBackendNames} from '@encoderless/test-utils';
import {Adam, type AdamOptions} from './index';
import {adamStepRange} from './adam';

// Adam against a float64 re-implementation of PyTorch's rule (torch.optim.Adam, and AdamW's
// decoupled decay), three steps on three variables of different shapes with seeded gradients.
// Parameters and gradients are of order 1; float32 rounding over three steps stays below 1e-6.

/** PyTorch's Adam in float64: g += wd·p (L2) or p −= lr·wd·p (decoupled), then the moment step. */
function adamReference(params: number[][], grads: number[][][], o: Required<AdamOptions>): number[][] {
  const p = params.map((x) => [...x]);
  const m = p.map((x) => x.map(() => 0)), v = p.map((x) => x.map(() => 0));
  grads.forEach((stepGrads, t) => {
    const c1 = 1 - o.beta1 ** (t + 1), c2 = 1 - o.beta2 ** (t + 1);
    p.forEach((pi, i) => pi.forEach((pij, j) => {
      let g = stepGrads[i][j];
      if (o.weightDecay > 0 && !o.decoupledWeightDecay) g += o.weightDecay * pij;
      m[i][j] = o.beta1 * m[i][j] + (1 - o.beta1) * g;
      v[i][j] = o.beta2 * v[i][j] + (1 - o.beta2) * g * g;
      let next = pij - (o.learningRate * m[i][j] / c1) / (Math.sqrt(v[i][j] / c2) + o.epsilon);
      if (o.weightDecay > 0 && o.decoupledWeightDecay) next -= o.learningRate * o.weightDecay * pij;
      pi[j] = next;
    }));
  });
  return p;
}

const SHAPES = [[2, 3], [4], [1]];

function seeded(seed: number): number[][] {
  const rng = createRandom(seed);
  return SHAPES.map((s) => Array.from({length: s.reduce((a, b) => a * b, 1)}, () => rng.uniform(-1, 1)));
}

describeEachBackend({useBackend, isBackendInstalled}, testBackendNames(), () => {
  const cases: ReadonlyArray<[string, AdamOptions]> = [
    ['defaults (lr 1e-3)', {}],
    ['lr 0.05, L2 weight decay 0.1 (PyTorch Adam)', {learningRate: 0.05, weightDecay: 0.1}],
    ['lr 0.05, decoupled weight decay 0.1 (AdamW)', {learningRate: 0.05, weightDecay: 0.1, decoupledWeightDecay: true}],
  ];
  for (const [name, options] of cases) {
    it(`three steps on [2,3], [4], [1] match a float64 reference: ${name}`, () => {
      const initial = seeded(1), grads = [seeded(2), seeded(3), seeded(4)];
      const vars = initial.map((x, i) => tf.variable(tf.tensor(x, SHAPES[i])));
      const adam = new Adam(vars, options);
      for (const g of grads) {
        const tensors = g.map((x, i) => tf.tensor(x, SHAPES[i]));
        adam.applyGradients(tensors);
        tf.dispose(tensors);
      }
      const expected = adamReference(initial, grads, adam.options);
      vars.forEach((v, i) => expectArraysClose(v, expected[i], {atol: 1e-6, rtol: 0}));
      adam.dispose();
      tf.dispose(vars);
    });
  }

  it('applyFlatGradient (the gradients concatenated) = applyGradients; getState/setState resumes exactly', async () => {
    const run = (flat: boolean) => {
      const vars = seeded(1).map((x, i) => tf.variable(tf.tensor(x, SHAPES[i])));
      const adam = new Adam(vars, {learningRate: 0.05, weightDecay: 0.1});
      for (const seed of [2, 3]) {
        const g = seeded(seed);
        const tensors = flat ? [tf.tensor1d(g.flat())] : g.map((x, i) => tf.tensor(x, SHAPES[i]));
        if (flat) adam.applyFlatGradient(tensors[0]); else adam.applyGradients(tensors);
        tf.dispose(tensors);
      }
      return {vars, adam};
    };
    const a = run(false), b = run(true);
    a.vars.forEach((v, i) => expectArraysClose(b.vars[i], v, {atol: 0, rtol: 0}));
    // A fresh optimizer given a's state takes the same third step as a.
    const resumed = new Adam(b.vars, {learningRate: 0.05, weightDecay: 0.1});
    resumed.setState(await a.adam.getState());
    expect(resumed.step).toBe(2);
    for (const adam of [a.adam, resumed]) {
      const g = seeded(4).map((x, i) => tf.tensor(x, SHAPES[i]));
      adam.applyGradients(g);
      tf.dispose(g);
    }
    a.vars.forEach((v, i) => expectArraysClose(b.vars[i], v, {atol: 0, rtol: 0}));
    expectNoLeaks(() => {
      const g = seeded(5).map((x, i) => tf.tensor(x, SHAPES[i]));
      a.adam.applyGradients(g);
      tf.dispose(g);
    });
    [a.adam, b.adam, resumed].forEach((o) => o.dispose());
    tf.dispose([...a.vars, ...b.vars]);
  });

  it('adamStepRange (the data-parallel step, in JavaScript over two ranges) = applyFlatGradient, bit for bit', async () => {
    // It rounds to float32 after every operation, as the tfjs ops do, so a split run's weights
    // do not drift from one thread's: any op or constant not rounded as tfjs rounds it shows up
    // within these 200 values and five steps as a difference in the last bit or more.
    const size = 200, rng = createRandom(9);
    const draw = (scale: number) => Float32Array.from({length: size}, () => rng.uniform(-1, 1) * scale);
    const initial = draw(1), grads = [draw(1), draw(1e-3), draw(10), draw(1e-6), draw(1)];
    for (const [, options] of cases) {
      const p = tf.variable(tf.tensor1d(initial));
      const adam = new Adam([p], options);
      const slots = {params: initial.slice(), m: new Float32Array(size), v: new Float32Array(size)};
      grads.forEach((g, t) => {
        const flat = tf.tensor1d(g);
        adam.applyFlatGradient(flat);
        flat.dispose();
        adamStepRange(slots, g, {from: 0, to: 77}, t + 1, adam.options);
        adamStepRange(slots, g, {from: 77, to: size}, t + 1, adam.options);
      });
      expectArraysClose(slots.params, p, {atol: 0, rtol: 0});
      const state = (await adam.getState()).moments[0];
      expectArraysClose(slots.m, state.m, {atol: 0, rtol: 0});
      expectArraysClose(slots.v, state.v, {atol: 0, rtol: 0});
      adam.dispose();
      p.dispose();
    }
  });

  it('throws when the gradients do not fit the variables, naming which', async () => {
    const w = tf.variable(tf.zeros([2, 3]));
    const adam = new Adam([w]);
    expect(() => adam.applyGradients([tf.zeros([3])])).toThrow(/Adam.applyGradients: gradient 0 has 3 values, its variable \[2,3\] 6/);
    expect(() => adam.applyFlatGradient(tf.zeros([5]))).toThrow(/Adam.applyFlatGradient: got 5 values for variables of 6/);
    expect(() => adam.applyGradients([])).toThrow(/^Adam.applyGradients: got 0 gradients for 1 variables$/);
    const state = await adam.getState();
    expect(() => adam.setState({...state, moments: []})).toThrow(/^Adam.setState: state has 0 variables, optimizer has 1$/);
    expect(() => adam.setState({...state, moments: [{m: new Float32Array(6), v: new Float32Array(5)}]} as never))
      .toThrow(/^Adam.setState: moments of variable 0 have 6 \(m\) and 5 \(v\) values, expected 6$/);
    // No variables (a frozen model): a step still counts, so the bias correction stays in step with a resumed run.
    const none = new Adam([]);
    none.applyGradients([]);
    expect(none.step).toBe(1);
    adam.dispose();
    w.dispose();
  });
});
