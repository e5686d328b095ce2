import {useBackend} from '@encoderless/backends';
import {createRandom} from '@encoderless/random';
import {expectArraysClose} from '@encoderless/test-utils';
import {createLatentTable, LatentTable} from './latent-table';
import type {RowOptimizerConfig} from './row-optimizer';

/**
 * The independent reference: PyTorch's SGD / SparseAdam on the full N×m parameter, written
 * naively in float64, every row every step.
 */
function denseReference(
  init: Float32Array, dim: number, cfg: RowOptimizerConfig,
  steps: {rows: number[]; grads: Float32Array}[],
): Float64Array {
  const p = Float64Array.from(init);
  const s1 = new Float64Array(p.length), s2 = new Float64Array(p.length);
  let t = 0;
  for (const {rows, grads} of steps) {
    const g = new Float64Array(p.length); // zero outside the batch
    rows.forEach((r, i) => { for (let j = 0; j < dim; j++) g[r * dim + j] += grads[i * dim + j]; });
    t++;
    if (cfg.kind === 'sgd') {
      const mu = cfg.momentum ?? 0.9, wd = cfg.weightDecay ?? 0;
      const dense = (cfg.semantics ?? 'dense') === 'dense';
      const touched = new Set(rows);
      for (let k = 0; k < p.length; k++) {
        if (!dense && !touched.has(Math.floor(k / dim))) continue;
        const gk = g[k] + wd * p[k];
        s1[k] = mu * s1[k] + gk;
        p[k] -= cfg.learningRate * s1[k];
      }
    } else {
      const b1 = cfg.beta1 ?? 0.9, b2 = cfg.beta2 ?? 0.999, eps = cfg.epsilon ?? 1e-8, wd = cfg.weightDecay ?? 0;
      const touched = new Set(rows);
      for (let k = 0; k < p.length; k++) {
        if (!touched.has(Math.floor(k / dim))) continue;
        const gk = g[k] + wd * p[k];
        s1[k] = b1 * s1[k] + (1 - b1) * gk;
        s2[k] = b2 * s2[k] + (1 - b2) * gk * gk;
        p[k] -= cfg.learningRate * (s1[k] / (1 - b1 ** t)) / (Math.sqrt(s2[k] / (1 - b2 ** t)) + eps);
      }
    }
  }
  return p;
}

function randomSteps(seed: number, size: number, dim: number, count: number, batch: number) {
  const rng = createRandom(seed);
  return Array.from({length: count}, () => {
    const rows = Array.from(rng.sample(size, batch));
    const grads = Float32Array.from({length: batch * dim}, () => rng.normal());
    return {rows, grads};
  });
}

const size = 12, dim = 3;
const configs: [string, RowOptimizerConfig][] = [
  ['sgd dense lr=0.1 mom=0.9', {kind: 'sgd', learningRate: 0.1, momentum: 0.9}],
  ['sgd dense lr=0.1 mom=0.9 wd=0.05', {kind: 'sgd', learningRate: 0.1, momentum: 0.9, weightDecay: 0.05}],
  ['sgd dense lr=0.2 mom=0 wd=0.1', {kind: 'sgd', learningRate: 0.2, momentum: 0, weightDecay: 0.1}],
  ['sgd sparse lr=0.1 mom=0.9 wd=0.05', {kind: 'sgd', learningRate: 0.1, momentum: 0.9, weightDecay: 0.05, semantics: 'sparse'}],
  ['adam lazy lr=0.05 wd=0.01', {kind: 'adam', learningRate: 0.05, weightDecay: 0.01}],
];

describe('LatentTable against a naive dense float64 reference', () => {
  it.each(configs)('%s: 40 batch steps of 4 rows out of 12', (_, optimizer) => {
    const table = createLatentTable({size, dim, seed: 3, optimizer});
    const init = table.snapshot();
    const steps = randomSteps(11, size, dim, 40, 4);
    // Read a few rows mid-way: lazy catch-up must not change the outcome.
    steps.forEach((s, i) => { table.applyGradients(s.rows, s.grads); if (i % 7 === 0) table.gather([0, 5]); });
    // Float32 storage against float64 reference over 40 steps: 1e-5 relative, 1e-5 absolute.
    expectArraysClose(table.snapshot(), denseReference(init, dim, optimizer, steps), {atol: 1e-5, rtol: 1e-5});
    expect(table.step).toBe(40);
  });

  it('schedule epoch: sums the epoch gradients (a row may appear twice) and takes one step', () => {
    const optimizer: RowOptimizerConfig = {kind: 'sgd', learningRate: 0.1, momentum: 0.9, weightDecay: 0.01};
    const table = createLatentTable({size, dim, seed: 4, optimizer, schedule: 'epoch'});
    const init = table.snapshot();
    const epochs = [randomSteps(1, size, dim, 3, 4), randomSteps(2, size, dim, 3, 4)];
    const merged = epochs.map((batches) => ({
      rows: batches.flatMap((b) => b.rows),
      grads: Float32Array.from(batches.flatMap((b) => Array.from(b.grads))),
    }));
    for (const batches of epochs) {
      const before = table.gather([0, 1, 2]);
      for (const b of batches) table.applyGradients(b.rows, b.grads);
      expectArraysClose(table.gather([0, 1, 2]), before, {atol: 0}); // nothing moves mid-epoch
      table.endEpoch();
    }
    expect(table.step).toBe(2);
    expectArraysClose(table.snapshot(), denseReference(init, dim, optimizer, merged), {atol: 1e-5, rtol: 1e-5});
  });

  it('a row twice in one batch steps once on the sum of its gradients (plain SGD, by hand: 0.5 − 0.1·(1 + 2) = 0.2)', () => {
    // Found unpinned by mutation testing: every mutant of the summing loop survived.
    for (const [indices, grads] of [[[2, 2], [1, 10, 2, 20]], [[0, 2, 2], [5, 5, 1, 10, 2, 20]]] as const) {
      const table = createLatentTable({size: 3, dim: 2, init: 'zeros', optimizer: {kind: 'sgd', learningRate: 0.1, semantics: 'sparse'}});
      table.setRows([0, 1, 2], Float32Array.of(0, 0, 0, 0, 0.5, 1));
      table.applyGradients(indices, Float32Array.from(grads));
      const rows = Array.from(table.snapshot());
      expectArraysClose(rows.slice(4), [0.5 - 0.1 * 3, 1 - 0.1 * 30], {atol: 1e-6});
      expectArraysClose(rows.slice(0, 2), indices.length === 3 ? [-0.5, -0.5] : [0, 0], {atol: 1e-6});
      expect(rows.slice(2, 4)).toEqual([0, 0]);
    }
  });

  it('sparse semantics: rows outside the batch stay bit-identical after a step', () => {
    const table = createLatentTable({size, dim, seed: 5, optimizer: {kind: 'sgd', learningRate: 0.1, semantics: 'sparse', weightDecay: 0.1}});
    table.applyGradients([1, 2], new Float32Array(2 * dim).fill(1));
    const before = table.snapshot();
    table.applyGradients([3], new Float32Array(dim).fill(1));
    const after = table.snapshot();
    for (let r = 0; r < size; r++) {
      if (r === 3) continue;
      expect(Array.from(after.subarray(r * dim, (r + 1) * dim))).toEqual(Array.from(before.subarray(r * dim, (r + 1) * dim)));
    }
  });

  it('dense semantics: a row keeps moving on its momentum after its batch (PyTorch), by the closed form', () => {
    const lr = 0.1, mu = 0.9;
    const table = createLatentTable({size: 3, dim: 1, init: 'zeros', optimizer: {kind: 'sgd', learningRate: lr, momentum: mu}});
    table.applyGradients([0], Float32Array.of(1)); // p = -lr, buf = 1
    for (let k = 0; k < 5; k++) table.applyGradients([1], Float32Array.of(0));
    // Five idle steps: p = -lr·(1 + μ + … + μ⁵) = -lr·(1 - μ⁶)/(1 - μ)
    expectArraysClose(table.gather([0]), [-lr * (1 - mu ** 6) / (1 - mu)], {atol: 1e-7});
    expectArraysClose(table.gather([2]), [0], {atol: 0});
  });

  it('a step costs the same for 1,000 and 1,000,000 rows (only the batch rows are touched)', () => {
    // Not a timing: counts the rows whose values change, which must be the batch alone.
    const big = createLatentTable({size: 1_000_000, dim: 2, init: 'zeros', optimizer: {kind: 'sgd', learningRate: 0.1, semantics: 'sparse'}});
    big.applyGradients([999_999, 5], new Float32Array(4).fill(1));
    const values = big.snapshot();
    let moved = 0;
    for (let i = 0; i < values.length; i++) if (values[i] !== 0) moved++;
    expect(moved).toBe(4);
  });

  it('getState / new LatentTable round-trips values and optimizer state', () => {
    const optimizer: RowOptimizerConfig = {kind: 'sgd', learningRate: 0.1, momentum: 0.9};
    const a = createLatentTable({size, dim, seed: 6, optimizer});
    const steps = randomSteps(7, size, dim, 10, 3);
    steps.slice(0, 5).forEach((s) => a.applyGradients(s.rows, s.grads));
    const b = new LatentTable(a.getState());
    steps.slice(5).forEach((s) => { a.applyGradients(s.rows, s.grads); b.applyGradients(s.rows, s.grads); });
    expect(Array.from(b.snapshot())).toEqual(Array.from(a.snapshot()));
  });

  it('same seed, same rows; zeros init is zero', () => {
    expect(Array.from(createLatentTable({size, dim, seed: 9}).snapshot()))
      .toEqual(Array.from(createLatentTable({size, dim, seed: 9}).snapshot()));
    expect(createLatentTable({size, dim, init: 'zeros'}).snapshot().every((v) => v === 0)).toBe(true);
  });

  it('throws when sizes, indices, gradients or configs are wrong', () => {
    expect(() => createLatentTable({size: 0, dim: 2})).toThrow(/createLatentTable: size must be a positive integer, got 0/);
    expect(() => createLatentTable({size: 2, dim: 2.5})).toThrow(/dim must be a positive integer, got 2.5/);
    const t = createLatentTable({size: 4, dim: 2});
    expect(() => t.gather([4])).toThrow(/row index 4 is outside 0 … 3/);
    expect(() => t.applyGradients([0], new Float32Array(3))).toThrow(/grads has 3 values, expected 1 rows × 2/);
    expect(() => t.applyGradients([0], Float32Array.of(NaN, 0))).toThrow(/gradient of row 0 is NaN/);
    expect(() => createLatentTable({size: 2, dim: 2, optimizer: {kind: 'sgd', learningRate: -1}}))
      .toThrow(/learningRate must be a positive number, got -1/);
    expect(() => createLatentTable({size: 2, dim: 2, optimizer: {kind: 'rmsprop'} as unknown as RowOptimizerConfig}))
      .toThrow(/unknown optimizer kind 'rmsprop'/);
  });

  it('throws naming every other bad setting: init, initStd, schedule, array lengths, optimizer fields', () => {
    const bad = (o: object) => () => createLatentTable({size: 2, dim: 2, ...o});
    expect(bad({initStd: -1})).toThrow(/^createLatentTable: initStd must be a number ≥ 0, got -1$/);
    expect(bad({init: 'uniform'})).toThrow(/^createLatentTable: init must be 'normal' or 'zeros', got 'uniform'$/);
    expect(bad({schedule: 'step'})).toThrow(/^LatentTable: schedule must be 'batch' or 'epoch', got 'step'$/);
    const state = createLatentTable({size: 2, dim: 2}).getState();
    expect(() => new LatentTable({...state, values: new Float32Array(3)}))
      .toThrow(/^LatentTable: values has length 3, expected 4 \(size 2 × dim 2\)$/);
    expect(() => new LatentTable({...state, slot1: new Float32Array(5)})).toThrow(/^LatentTable: slot1 has length 5, expected 4/);
    const sgd = (o: object) => bad({optimizer: {kind: 'sgd', learningRate: 0.1, ...o}});
    expect(sgd({momentum: 1})).toThrow(/^LatentTable: optimizer: momentum must lie in \[0, 1\), got 1$/);
    expect(sgd({momentum: -0.1})).toThrow(/momentum must lie in \[0, 1\), got -0.1$/);
    expect(sgd({weightDecay: -1})).toThrow(/^LatentTable: optimizer: weightDecay must be ≥ 0, got -1$/);
    expect(sgd({semantics: 'lazy'})).toThrow(/^LatentTable: optimizer: semantics must be 'dense' or 'sparse', got 'lazy'$/);
    expect(bad({optimizer: {kind: 'adam', learningRate: 0.1, beta2: 1}})).toThrow(/beta2 must lie in \[0, 1\), got 1$/);
    expect(bad({optimizer: {kind: 'adam', learningRate: 0.1, epsilon: 0}})).toThrow(/epsilon must be a positive number, got 0$/);
    expect(bad({optimizer: null})).toThrow(/^LatentTable: optimizer: expected an optimizer config object, got null$/);
    // Zero momentum and weight decay, and an initStd of 0, are settings, not errors.
    expect(createLatentTable({size: 2, dim: 2, initStd: 0, optimizer: {kind: 'sgd', learningRate: 0.1, momentum: 0, weightDecay: 0}})
      .snapshot().every((v) => v === 0)).toBe(true);
  });

  it('setRows overwrites rows and resets their optimizer state; gatherTensor is gather as a tensor', async () => {
    await useBackend('cpu');
    const t = createLatentTable({size: 3, dim: 2, init: 'zeros', optimizer: {kind: 'sgd', learningRate: 0.5, momentum: 0.5, semantics: 'sparse'}});
    t.applyGradients([1], Float32Array.of(1, -1)); // row 1: buf (1, −1), value (−0.5, 0.5)
    t.setRows([1], Float32Array.of(3, 4));
    expect(Array.from(t.gather([1]))).toEqual([3, 4]);
    // With its momentum reset, a zero gradient leaves the row where it was set (a stale buffer would move it by −0.5·0.5·(1, −1)).
    t.applyGradients([1], Float32Array.of(0, 0));
    expect(Array.from(t.gather([1]))).toEqual([3, 4]);
    const z = t.gatherTensor([1, 0]);
    expect(z.shape).toEqual([2, 2]);
    expect(Array.from(z.dataSync())).toEqual([3, 4, 0, 0]);
    z.dispose();
    expect(() => t.setRows([0, 1], new Float32Array(3))).toThrow(/^LatentTable.setRows: rows has 3 values, expected 2·2$/);
  });

  it('getState refuses an epoch with pending gradients', () => {
    const t = createLatentTable({size: 2, dim: 1, schedule: 'epoch'});
    t.applyGradients([0], Float32Array.of(1));
    expect(() => t.getState()).toThrow(/^LatentTable.getState: gradients of this epoch are pending; call endEpoch\(\) first$/);
    t.endEpoch();
    expect(t.getState().step).toBe(1);
  });
});
