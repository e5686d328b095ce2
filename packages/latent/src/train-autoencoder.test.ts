import * as tf from '@tensorflow/tfjs-core';
import {useBackend} from '@encoderless/backends';
import {createRandom} from '@encoderless/random';
import {expectArraysClose, expectNoLeaksAsync} from '@encoderless/test-utils';
import {trainAutoencoder, trainEncoderOnRows, encodeAll, moduleFromFunction} from './index';

function linear(inDim: number, outDim: number, seed: number) {
  const rng = createRandom(seed);
  const W = tf.variable(tf.tensor2d(Float32Array.from({length: inDim * outDim}, () => rng.normal(0, 0.3)), [inDim, outDim]));
  return {module: moduleFromFunction((x) => tf.matMul(x, W), [W]), W};
}

describe('autoencoder trainers (wasm)', () => {
  beforeAll(async () => { await useBackend('wasm'); });

  function data(n: number) {
    const rng = createRandom(5);
    const z = tf.tensor2d(Float32Array.from({length: n * 2}, () => rng.normal()), [n, 2]);
    const w = tf.tensor2d([[1, 0, 1, 0.5], [0, 1, -1, 0.5]]);
    const x = tf.matMul(z, w);
    tf.dispose([z, w]);
    return x;
  }

  it('end to end: the loss falls below 1% of the data variance', async () => {
    const x = data(64);
    const enc = linear(4, 2, 1), dec = linear(2, 4, 2);
    const {history} = await trainAutoencoder({encoder: enc.module, decoder: dec.module, data: x, epochs: 200, batchSize: 16,
      weights: {learningRate: 0.01}, seed: 3});
    const variance = tf.tidy(() => tf.moments(x).variance.dataSync()[0]);
    expect(history[history.length - 1].loss).toBeLessThan(0.01 * variance);
    tf.dispose([x, enc.W, dec.W]);
  });

  it('freezeDecoder: the decoder weights do not move, the encoder learns its pseudo-inverse', async () => {
    const x = data(64);
    const enc = linear(4, 2, 1);
    const dec = {W: tf.variable(tf.tensor2d([[1, 0, 1, 0.5], [0, 1, -1, 0.5]]))};
    const decoder = moduleFromFunction((z) => tf.matMul(z, dec.W), [dec.W]);
    const before = Array.from(dec.W.dataSync());
    await trainAutoencoder({encoder: enc.module, decoder, data: x, epochs: 300, batchSize: 16, freezeDecoder: true,
      weights: {learningRate: 0.01}, seed: 4});
    expect(Array.from(dec.W.dataSync())).toEqual(before);
    // x lies in the row space of W, so a perfect encoder returns the z that generated x:
    // encoder(x)·W = x up to 1e-2 per entry.
    const rows = await encodeAll(enc.module, x);
    const recon = tf.tidy(() => tf.matMul(tf.tensor2d(rows, [64, 2]), dec.W).dataSync());
    expectArraysClose(recon, x.dataSync(), {atol: 2e-2});
    tf.dispose([x, enc.W, dec.W]);
  });

  it('leaks no tensors: end to end, through a frozen decoder, and trainEncoderOnRows (the returned Adam disposed)', async () => {
    const x = data(16);
    const enc = linear(4, 2, 8), dec = linear(2, 4, 9);
    const rows = tf.zeros([16, 2]) as tf.Tensor2D;
    for (const freezeDecoder of [false, true]) {
      await expectNoLeaksAsync(async () => {
        const {optimizer} = await trainAutoencoder({encoder: enc.module, decoder: dec.module, data: x, epochs: 2, batchSize: 5, freezeDecoder, seed: 1});
        optimizer.dispose();
      });
    }
    await expectNoLeaksAsync(async () => {
      const {optimizer} = await trainEncoderOnRows({encoder: enc.module, data: x, rows, epochs: 2, batchSize: 5, seed: 1});
      optimizer.dispose();
    });
    tf.dispose([x, rows, enc.W, dec.W]);
  });

  it('trainEncoderOnRows regresses the encoder onto given rows', async () => {
    const x = data(32);
    const target = tf.tidy(() => tf.matMul(x, tf.tensor2d([[0.5, 0], [0, 0.5], [0, 0], [0, 0]])) as tf.Tensor2D);
    const enc = linear(4, 2, 6);
    await trainEncoderOnRows({encoder: enc.module, data: x, rows: target, epochs: 300, batchSize: 8, weights: {learningRate: 0.01}, seed: 7});
    expectArraysClose(await encodeAll(enc.module, x), target.dataSync(), {atol: 2e-2});
    await expect(trainEncoderOnRows({encoder: enc.module, data: x, rows: tf.zeros([3, 2]) as tf.Tensor2D, epochs: 1}))
      .rejects.toThrow(/trainEncoderOnRows: rows has 3 rows, data has 32 samples/);
    tf.dispose([x, target, enc.W]);
  });
});
