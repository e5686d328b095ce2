import * as tf from '@tensorflow/tfjs-core';
import {isBackendInstalled, useBackend} from '@encoderless/backends';
import {createRandom} from '@encoderless/random';
import {describeEachBackend, expectArraysClose, expectNoLeaksAsync, testBackendNames} from '@encoderless/test-utils';
import {createLatentTable, moduleFromFunction, trainDecoder, Adam, LatentTable} from './index';

/** x̂ = z·W + b, a decoder small enough to differentiate by hand. */
function linearDecoder(w: number[][], b: number[]) {
  const W = tf.variable(tf.tensor2d(w));
  const B = tf.variable(tf.tensor1d(b));
  return {decoder: moduleFromFunction((z) => tf.add(tf.matMul(z, W), B), [W, B]), W, B};
}

describeEachBackend({useBackend, isBackendInstalled}, testBackendNames(), () => {
  it('one full-batch step matches a float64 hand derivation (rows SGD, weights Adam, loss summed)', async () => {
    // z [2,2], W [2,3], b [3], x [2,3]. r = zW + b − x; L = Σ r².
    // dL/dz = 2·r·Wᵀ, dL/dW = 2·zᵀ·r, dL/db = 2·Σ_rows r.
    const z = [[0.5, -1], [1, 2]], w = [[1, 0, -1], [0.5, 2, 1]], b = [0.1, -0.2, 0.3];
    const x = [[1, 2, 3], [-1, 0, 1]];
    const r = z.map((zi, i) => b.map((bj, j) => zi[0] * w[0][j] + zi[1] * w[1][j] + bj - x[i][j]));
    const gz = r.map((ri) => [0, 1].map((k) => 2 * ri.reduce((s, rij, j) => s + rij * w[k][j], 0)));
    const gw = [0, 1].map((k) => [0, 1, 2].map((j) => 2 * (z[0][k] * r[0][j] + z[1][k] * r[1][j])));
    const gb = [0, 1, 2].map((j) => 2 * (r[0][j] + r[1][j]));
    const lr = 0.01, wlr = 1e-3, eps = 1e-8;
    // First SGD-momentum step: buf = g, p −= lr·g. First Adam step: p −= lr·g/(|g| + eps).
    const zNext = z.map((zi, i) => zi.map((v, k) => v - lr * gz[i][k]));
    const wNext = w.map((wi, k) => wi.map((v, j) => v - wlr * gw[k][j] / (Math.abs(gw[k][j]) + eps)));
    const bNext = b.map((v, j) => v - wlr * gb[j] / (Math.abs(gb[j]) + eps));

    const {decoder, W, B} = linearDecoder(w, b);
    const table = new LatentTable({size: 2, dim: 2, optimizer: {kind: 'sgd', learningRate: lr, momentum: 0.9},
      schedule: 'batch', step: 0, values: Float32Array.from(z.flat())});
    const data = tf.tensor2d(x);
    const {history} = await trainDecoder({decoder, data, table, epochs: 1, batchSize: 2, weights: {learningRate: wlr}});
    // float32 forward/backward against float64: 1e-5 absolute on values of order 1.
    expectArraysClose(table.snapshot(), zNext.flat(), {atol: 1e-5});
    expectArraysClose(W, wNext.flat(), {atol: 1e-5});
    expectArraysClose(B, bNext, {atol: 1e-5});
    const lossPerEntry = r.flat().reduce((s, v) => s + v * v, 0) / 6;
    expectArraysClose([history[0].loss], [lossPerEntry], {rtol: 1e-5});
    tf.dispose([W, B, data]);
  });

  it("reduction 'mean' divides the row gradient by batch·features", async () => {
    const run = async (reduction: 'sum' | 'mean') => {
      const {decoder, W, B} = linearDecoder([[1, 2, 3, 4]], [0, 0, 0, 0]);
      const table = createLatentTable({size: 4, dim: 1, seed: 1, optimizer: {kind: 'sgd', learningRate: 0.001, momentum: 0}});
      const before = table.snapshot();
      const data = tf.tensor2d([[1, 1, 1, 1], [0, 1, 0, 1], [2, 0, 2, 0], [1, 2, 3, 4]]);
      await trainDecoder({decoder, data, table, epochs: 1, batchSize: 4, reduction, weights: false});
      tf.dispose([W, B, data]);
      return table.snapshot().map((v, i) => v - before[i]);
    };
    const sum = await run('sum'), mean = await run('mean');
    expectArraysClose(mean, sum.map((v) => v / 16), {atol: 1e-7, rtol: 1e-4});
  });
});

describe('trainDecoder on wasm', () => {
  beforeAll(async () => { await useBackend('wasm'); });

  /** Data on a 2-d linear manifold in 6-d: x = z·W* with known z. */
  function lowRankData(n: number, seed: number) {
    const rng = createRandom(seed);
    const zTrue = Float32Array.from({length: n * 2}, () => rng.normal());
    const wTrue = Float32Array.from({length: 2 * 6}, () => rng.normal());
    const x = tf.tidy(() => tf.matMul(tf.tensor2d(zTrue, [n, 2]), tf.tensor2d(wTrue, [2, 6])));
    return {x, zTrue, wTrue};
  }

  function freshDecoder(seed: number) {
    const rng = createRandom(seed);
    const W = tf.variable(tf.tensor2d(Float32Array.from({length: 12}, () => rng.normal(0, 0.3)), [2, 6]));
    const B = tf.variable(tf.zeros([6]));
    return {decoder: moduleFromFunction((z) => tf.add(tf.matMul(z, W), B), [W, B]), vars: [W, B]};
  }

  it('fits a 2-d linear manifold: loss per entry falls below 1% of the data variance', async () => {
    const {x} = lowRankData(64, 1);
    const {decoder, vars} = freshDecoder(2);
    const table = createLatentTable({size: 64, dim: 2, seed: 3, optimizer: {kind: 'sgd', learningRate: 0.01, momentum: 0.9}});
    const {history} = await trainDecoder({decoder, data: x, table, epochs: 150, batchSize: 16, weights: {learningRate: 0.02}, seed: 4});
    const variance = tf.tidy(() => tf.moments(x).variance.dataSync()[0]);
    expect(history[0].loss).toBeGreaterThan(0.3 * variance);
    expect(history[history.length - 1].loss).toBeLessThan(0.01 * variance);
    tf.dispose([x, ...vars]);
  });

  it('the same seed gives identical rows and weights', async () => {
    const runOnce = async () => {
      const {x} = lowRankData(20, 5);
      const {decoder, vars} = freshDecoder(6);
      const table = createLatentTable({size: 20, dim: 2, seed: 7});
      await trainDecoder({decoder, data: x, table, epochs: 3, batchSize: 8, seed: 8});
      const out = [table.snapshot(), ...vars.map((v) => v.dataSync() as Float32Array)];
      tf.dispose([x, ...vars]);
      return out.map((a) => Array.from(a));
    };
    expect(await runOnce()).toEqual(await runOnce());
  });

  it('resuming at epoch 2 with saved table and Adam state equals an uninterrupted run', async () => {
    const {x} = lowRankData(20, 9);
    const full = freshDecoder(10);
    const fullTable = createLatentTable({size: 20, dim: 2, seed: 11});
    await trainDecoder({decoder: full.decoder, data: x, table: fullTable, epochs: 4, batchSize: 8, seed: 12});

    const part = freshDecoder(10);
    const first = createLatentTable({size: 20, dim: 2, seed: 11});
    const {optimizer} = await trainDecoder({decoder: part.decoder, data: x, table: first, epochs: 2, batchSize: 8, seed: 12});
    const saved = {table: first.getState(), adam: await optimizer!.getState(), weights: part.vars.map((v) => v.dataSync().slice())};
    const again = freshDecoder(99); // different init, overwritten by the checkpoint
    again.vars.forEach((v, i) => v.assign(tf.tensor(saved.weights[i], v.shape)));
    const adam = new Adam(again.vars);
    adam.setState(saved.adam);
    const resumed = new LatentTable(saved.table);
    await trainDecoder({decoder: again.decoder, data: x, table: resumed, epochs: 4, startEpoch: 2, batchSize: 8, seed: 12, weights: adam});
    expect(Array.from(resumed.snapshot())).toEqual(Array.from(fullTable.snapshot()));
    expect(Array.from(again.vars[0].dataSync())).toEqual(Array.from(full.vars[0].dataSync()));
    tf.dispose([x, ...full.vars, ...part.vars, ...again.vars]);
    adam.dispose();
  });

  /**
   * Train with a decoder that, at each step, records the table and the batch's rows before they
   * move; returns per step the rows that were in the batch and the rows that changed during it.
   */
  async function rowsMovedPerStep(semantics: 'sparse' | 'dense') {
    const {x} = lowRankData(10, 13);
    const {vars: [W, B]} = freshDecoder(14);
    const w0 = Array.from(W.dataSync()), b0 = Array.from(B.dataSync());
    const table = createLatentTable({size: 10, dim: 2, seed: 15, optimizer: {kind: 'sgd', learningRate: 0.1, momentum: 0.9, semantics}});
    const seen: {table: Float32Array; batch: Float32Array}[] = [];
    const decoder = moduleFromFunction((z) => {
      seen.push({table: table.snapshot(), batch: z.dataSync() as Float32Array});
      return tf.add(tf.matMul(z, W), B);
    }, [W, B]);
    await trainDecoder({decoder, data: x, table, epochs: 2, batchSize: 3, weights: false, seed: 1});
    const tables = [...seen.map((s) => s.table), table.snapshot()];
    const row = (t: Float32Array, r: number) => `${t[2 * r]},${t[2 * r + 1]}`;
    const steps = seen.map(({table: before, batch}, k) => {
      const batchRows = new Set(Array.from({length: batch.length / 2}, (_, i) => `${batch[2 * i]},${batch[2 * i + 1]}`));
      const rows = Array.from({length: 10}, (_, r) => r);
      return {
        inBatch: rows.filter((r) => batchRows.has(row(before, r))),
        moved: rows.filter((r) => row(before, r) !== row(tables[k + 1], r)),
      };
    });
    const frozen = Array.from(W.dataSync()).every((v, i) => v === w0[i]) && Array.from(B.dataSync()).every((v, i) => v === b0[i]);
    tf.dispose([x, W, B]);
    return {steps, frozen};
  }

  it('sparse semantics: each step of trainDecoder moves exactly its batch\'s rows, the others stay bit-identical; weights: false freezes the decoder', async () => {
    const {steps, frozen} = await rowsMovedPerStep('sparse');
    // 10 samples in batches of 3: 3, 3, 3, 1 per epoch, two epochs.
    expect(steps.map((s) => s.inBatch.length)).toEqual([3, 3, 3, 1, 3, 3, 3, 1]);
    for (const s of steps) expect(s.moved).toEqual(s.inBatch);
    expect(frozen).toBe(true);
  });

  it('dense semantics (PyTorch\'s): a row\'s momentum keeps moving it in steps it sits out', async () => {
    const {steps} = await rowsMovedPerStep('dense');
    // The first step has no momentum yet: only its batch moves. From then on, every row that was
    // ever in a batch moves in every step, in the batch or not.
    expect(steps[0].moved).toEqual(steps[0].inBatch);
    const everIn = new Set(steps[0].inBatch);
    for (const s of steps.slice(1)) {
      s.inBatch.forEach((r) => everIn.add(r));
      expect(s.moved).toEqual([...everIn].sort((a, b) => a - b));
    }
  });

  it('leaks no tensors across epochs', async () => {
    const {x} = lowRankData(16, 16);
    const {decoder, vars} = freshDecoder(17);
    const table = createLatentTable({size: 16, dim: 2, seed: 18});
    const adam = new Adam(vars);
    await expectNoLeaksAsync(() => trainDecoder({decoder, data: x, table, epochs: 2, batchSize: 5, weights: adam}).then(() => undefined));
    tf.dispose([x, ...vars]);
    adam.dispose();
  });

  it('throws when data and table disagree, data holds NaN, or the decoder output has the wrong shape', async () => {
    const {decoder, vars} = freshDecoder(19);
    const table = createLatentTable({size: 4, dim: 2});
    const five = tf.zeros([5, 6]);
    await expect(trainDecoder({decoder, data: five, table, epochs: 1})).rejects.toThrow(/trainDecoder: data has 5 samples, table has 4 rows/);
    const nan = tf.tensor2d([[NaN, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0]]);
    await expect(trainDecoder({decoder, data: nan, table, epochs: 1})).rejects.toThrow(/data holds 1 NaN or infinite value/);
    const wide = tf.zeros([4, 7]);
    await expect(trainDecoder({decoder, data: wide, table, epochs: 1})).rejects.toThrow(/model output has shape \[4,6\], the data batch has \[4,7\]/);
    await expect(trainDecoder({decoder, data: wide, table, epochs: -1})).rejects.toThrow(/epochs must be a whole number, got -1/);
    await expect(trainDecoder({decoder, data: wide, table, epochs: 1, loss: 'l1' as 'mse'})).rejects.toThrow(/loss must be 'mse', 'bce', 'poisson' or a \{name, entryLosses\} object .*got 'l1'/);
    tf.dispose([five, nan, wide, ...vars]);
  });

  it('throws naming every other bad option: batchSize, startEpoch, seed, reduction, data and decoder', async () => {
    const {decoder, vars} = freshDecoder(20);
    const table = createLatentTable({size: 4, dim: 2});
    const data = tf.zeros([4, 6]);
    const bad = (o: object) => trainDecoder({decoder, data, table, epochs: 1, ...o});
    await expect(bad({batchSize: 0})).rejects.toThrow(/^trainDecoder: batchSize must be a positive integer, got 0$/);
    await expect(bad({batchSize: 1.5})).rejects.toThrow(/batchSize must be a positive integer, got 1.5$/);
    await expect(bad({startEpoch: -1})).rejects.toThrow(/^trainDecoder: startEpoch must be a whole number, got -1$/);
    await expect(bad({seed: 0.5})).rejects.toThrow(/^trainDecoder: seed must be an integer, got 0.5$/);
    await expect(bad({reduction: 'max'})).rejects.toThrow(/^trainDecoder: reduction must be 'sum' or 'mean', got 'max'$/);
    await expect(bad({data: [[1, 2]]})).rejects.toThrow(/^trainDecoder: data must be a tf.Tensor \[samples, …features\], got object$/);
    const flat = tf.zeros([4]);
    await expect(bad({data: flat})).rejects.toThrow(/^trainDecoder: data must have shape \[samples, …features\] with samples > 0, got \[4\]$/);
    await expect(bad({decoder: {variables: []}})).rejects.toThrow(/^trainDecoder: decoder must have an apply\(z\) function and variables$/);
    // startEpoch = epochs runs nothing; 0 epochs too.
    expect((await bad({startEpoch: 1})).history).toEqual([]);
    tf.dispose([data, flat, ...vars]);
  });

  it("throws when the table's dim differs from the decoder input, naming both numbers", async () => {
    const {decoder, vars} = freshDecoder(20); // x̂ = z·W + b with W [2, 6]
    const data = tf.zeros([4, 6]);
    const table = createLatentTable({size: 4, dim: 3});
    await expect(trainDecoder({decoder: {...decoder, inputShape: [2]}, data, table, epochs: 1}))
      .rejects.toThrow(/trainDecoder: the table's dim is 3 but the decoder takes 2-d input \(inputShape \[2\]\)/);
    await expect(trainDecoder({decoder, data, table, epochs: 1}))
      .rejects.toThrow(/trainDecoder: the decoder failed on rows of shape \[4,3\] \(the table's dim 3\); does it take 3-d input\?/);
    tf.dispose([data, ...vars]);
  });
});

describe('Adam (wasm)', () => {
  beforeAll(async () => { await useBackend('wasm'); });
  it('creating and disposing an optimizer leaves the tensor count unchanged', () => {
    const w = tf.variable(tf.zeros([3, 2]));
    const before = tf.memory().numTensors;
    new Adam([w]).dispose();
    expect(tf.memory().numTensors).toBe(before);
    w.dispose();
  });
});
