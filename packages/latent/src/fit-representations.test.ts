import * as tf from '@tensorflow/tfjs-core';
import {useBackend} from '@encoderless/backends';
import {createRandom} from '@encoderless/random';
import {expectArraysClose} from '@encoderless/test-utils';
import {fitRepresentations, moduleFromFunction, samplewiseLoss} from './index';

describe('fitRepresentations (wasm)', () => {
  beforeAll(async () => { await useBackend('wasm'); });

  // A frozen linear decoder x = z·W with W [2, 5] of full row rank: the best rows are the
  // least-squares solution z* = x·Wᵀ(W·Wᵀ)⁻¹, computed here in float64 as the reference.
  const wValues = [[1, 0.5, -1, 2, 0], [0, 1, 1, -0.5, 1.5]];
  function leastSquares(x: number[][]): number[][] {
    const g = [[0, 0], [0, 0]];
    for (let a = 0; a < 2; a++) for (let b = 0; b < 2; b++) g[a][b] = wValues[a].reduce((s, v, j) => s + v * wValues[b][j], 0);
    const det = g[0][0] * g[1][1] - g[0][1] * g[1][0];
    const inv = [[g[1][1] / det, -g[0][1] / det], [-g[1][0] / det, g[0][0] / det]];
    return x.map((xi) => {
      const xw = [0, 1].map((a) => xi.reduce((s, v, j) => s + v * wValues[a][j], 0));
      return [0, 1].map((a) => inv[a][0] * xw[0] + inv[a][1] * xw[1]);
    });
  }

  it('recovers the least-squares rows of noisy data against a frozen linear decoder', async () => {
    const W = tf.variable(tf.tensor2d(wValues));
    const decoder = moduleFromFunction((z) => tf.matMul(z, W), [W]);
    const rng = createRandom(1);
    const x = Array.from({length: 10}, () => Array.from({length: 5}, () => rng.normal()));
    const data = tf.tensor2d(x);
    const optimizer = {kind: 'sgd', learningRate: 0.02, momentum: 0.9} as const;
    const {rows, loss} = await fitRepresentations({decoder, data, dim: 2, epochs: 400, batchSize: 4, optimizer, seed: 2, plateau: false});
    // Converged descent on a convex problem: rows within 1e-3 of the closed form.
    const best = leastSquares(x);
    expectArraysClose(rows, best.flat(), {atol: 1e-3});
    const perSample = samplewiseLoss(decoder, rows, 2, data);
    expectArraysClose([loss], [perSample.reduce((s, v) => s + v, 0) / 50], {rtol: 1e-5});
    // The default plateau stop ends sooner, within 1% of the optimal loss.
    const early = await fitRepresentations({decoder, data, dim: 2, epochs: 400, batchSize: 4, optimizer, seed: 2});
    expect(early.epochsRun[0]).toBeLessThan(400);
    expect(early.loss).toBeLessThan(loss * 1.01);
    expect(Array.from(W.dataSync())).toEqual(wValues.flat().map((v) => Math.fround(v))); // frozen
    tf.dispose([W, data]);
  });

  it('restarts keep, per sample, the row with the lowest loss', async () => {
    // |z|² decoder: x̂ = z², two minima ±√x; a sample whose start lands far off gets rescued.
    const decoder = moduleFromFunction((z) => tf.square(z), []);
    const data = tf.tensor2d([[4], [9], [1], [16]]);
    const one = await fitRepresentations({decoder, data, dim: 1, epochs: 3, restarts: 1, seed: 3, plateau: false,
      optimizer: {kind: 'sgd', learningRate: 0.001, momentum: 0.9}});
    const five = await fitRepresentations({decoder, data, dim: 1, epochs: 3, restarts: 5, seed: 3, plateau: false,
      optimizer: {kind: 'sgd', learningRate: 0.001, momentum: 0.9}});
    for (let i = 0; i < 4; i++) expect(five.sampleLosses[i]).toBeLessThanOrEqual(one.sampleLosses[i]);
    expect(five.epochsRun).toEqual([3, 3, 3, 3, 3]);
    tf.dispose(data);
  });

  it('throws when restarts is not a positive integer or data holds NaN', async () => {
    const decoder = moduleFromFunction((z) => z, []);
    const data = tf.tensor2d([[1]]);
    await expect(fitRepresentations({decoder, data, dim: 1, restarts: 0})).rejects.toThrow(/restarts must be a positive integer, got 0/);
    const nan = tf.tensor2d([[NaN]]);
    await expect(fitRepresentations({decoder, data: nan, dim: 1})).rejects.toThrow(/fitRepresentations: data holds 1 NaN/);
    tf.dispose([data, nan]);
  });
});
