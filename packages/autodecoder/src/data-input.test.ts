import * as tf from '@tensorflow/tfjs-core';
import {useBackend} from '@encoderless/backends';
import {toRows, toSamples} from './data-input';

describe('toSamples', () => {
  beforeAll(async () => { await useBackend('wasm'); });

  it('reads number[][], a tensor, {data, shape} and {data, rows, cols} alike', async () => {
    const rows = [[1, 2, 3], [4, 5, 6]];
    const expected = Float32Array.from([1, 2, 3, 4, 5, 6]);
    for (const input of [rows, {data: expected, shape: [2, 3]}, {data: [1, 2, 3, 4, 5, 6], rows: 2, cols: 3}]) {
      const s = await toSamples('f', 'data', input);
      expect(s.data).toEqual(expected);
      expect([s.count, ...s.featureShape]).toEqual([2, 3]);
    }
    const t = tf.tensor(expected, [2, 3, 1]);
    const fromTensor = await toSamples('f', 'data', t);
    expect(fromTensor.featureShape).toEqual([3, 1]);
    expect(t.isDisposed).toBe(false);
    t.dispose();
  });

  it('carries a CsvTable\'s column names and label columns', async () => {
    const s = await toSamples('f', 'data', {data: [1, 2], rows: 2, cols: 1, columns: ['age'], labels: {id: ['a', 'b']}});
    expect(s.columns).toEqual(['age']);
    expect(s.labels).toEqual({id: ['a', 'b']});
  });

  it('throws naming the problem: ragged rows, NaN, a shape that does not fit, no samples, a label column of the wrong length', async () => {
    await expect(toSamples('fit', 'data', [[1, 2], [3]])).rejects.toThrow(/fit: data\[1\] has 1 values, data\[0\] has 2/);
    await expect(toSamples('fit', 'data', [[1, NaN]])).rejects.toThrow(/fit: data: sample 0, feature 1 is NaN/);
    await expect(toSamples('fit', 'data', {data: new Float32Array(5), shape: [2, 3]})).rejects.toThrow(/shape \[2,3\] holds 6 values, data has 5/);
    await expect(toSamples('fit', 'data', [])).rejects.toThrow(/has no samples/);
    await expect(toSamples('fit', 'data', {data: [1, 2], rows: 2, cols: 1, labels: {id: ['a']}})).rejects.toThrow(/label column "id" has 1 cells, the matrix 2 rows/);
    await expect(toSamples('fit', 'data', 'x.csv' as never)).rejects.toThrow(/must be a tf.Tensor, number\[\]\[\], \{data, shape\}/);
  });

  it('toRows splits a flat array into rows', async () => {
    expect(toRows(Float32Array.from([1, 2, 3, 4]), 2, 2)).toEqual([[1, 2], [3, 4]]);
  });
});
