import * as tf from '@tensorflow/tfjs-core';
import {expectNoLeaks, makeSeededTensor} from '@encoderless/test-utils';
import {useBackend} from './index';
import {copySlice} from './wasm-slice';

// Slice on wasm (the replacement reads a view of the heap instead of a copy of the input)
// against tfjs-cpu's Slice on the same seeded inputs. A slice copies values: exact equality.

async function onCpuAndWasm(run: () => tf.Tensor): Promise<{cpu: number[]; wasm: number[]; shape: number[]}> {
  await useBackend('cpu');
  const cpu = tf.tidy(run);
  const expected = {values: Array.from(cpu.dataSync()), shape: cpu.shape};
  cpu.dispose();
  await useBackend('wasm');
  tf.dispose([tf.fill([4096], 7), tf.fill([64], 7)]); // garbage in freed memory shows an unwritten output
  const wasm = tf.tidy(run);
  expect(wasm.shape).toEqual(expected.shape);
  const values = Array.from(wasm.dataSync());
  wasm.dispose();
  return {cpu: expected.values, wasm: values, shape: expected.shape};
}

describe('Slice and SplitV on wasm', () => {
  const cases: ReadonlyArray<[string, number[], number[], number[], tf.DataType]> = [
    ['x=[10] begin [3] size [5] (one run)', [10], [3], [5], 'float32'],
    ['x=[4,5] rows 1…2 (one run)', [4, 5], [1, 0], [2, 5], 'float32'],
    ['x=[4,5] columns 1…3 (a run per row)', [4, 5], [0, 1], [4, 3], 'float32'],
    ['x=[2,7,7,3] crop to [2,5,4,3] (a run per row)', [2, 7, 7, 3], [0, 1, 2, 0], [2, 5, 4, 3], 'float32'],
    ['x=[2,3,4,5,2] rank 5, every axis cut', [2, 3, 4, 5, 2], [1, 1, 0, 2, 1], [1, 2, 3, 2, 1], 'float32'],
    ['x=[3,4] size -1 (to the end)', [3, 4], [1, 1], [-1, -1], 'float32'],
    ['x=[3,4] whole', [3, 4], [0, 0], [3, 4], 'float32'],
    ['x=[3,4] int32', [3, 4], [1, 2], [2, 2], 'int32'],
    ['x=[3,4] bool', [3, 4], [0, 1], [3, 2], 'bool'],
  ];
  for (const [name, shape, begin, size, dtype] of cases) {
    it(`matches tfjs-cpu exactly: ${name}`, async () => {
      const {cpu, wasm} = await onCpuAndWasm(() => {
        const x = makeSeededTensor(shape, {seed: 9});
        const typed = dtype === 'float32' ? x : dtype === 'int32' ? tf.cast(tf.mul(x, 100), 'int32') : tf.greater(x, 0);
        return tf.slice(typed, begin, size);
      });
      expect(wasm).toEqual(cpu);
    });
  }

  it('tf.split of a vector into parts of 2000, 7, 3000, 1 (as Adam\'s update into its variables) matches tfjs-cpu exactly', async () => {
    const sizes = [2000, 7, 3000, 1];
    for (let part = 0; part < sizes.length; part++) {
      const {cpu, wasm} = await onCpuAndWasm(() => tf.split(makeSeededTensor([5008], {seed: 10}), sizes)[part]);
      expect(wasm.length).toBe(sizes[part]);
      expect(wasm).toEqual(cpu);
    }
  });

  it('tf.split along axis 1 of [4,9] into 2, 3, 4 and into 3 equal parts matches tfjs-cpu exactly', async () => {
    for (const splits of [[2, 3, 4], 3]) {
      for (let part = 0; part < 3; part++) {
        const {cpu, wasm} = await onCpuAndWasm(() => tf.split(makeSeededTensor([4, 9], {seed: 11}), splits, 1)[part]);
        expect(wasm).toEqual(cpu);
      }
    }
  });

  it('an empty slice has its shape and no values; no tensor or buffer left behind', async () => {
    await useBackend('wasm');
    const x = tf.ones([3, 4]);
    const empty = tf.slice(x, [1, 0], [0, 4]);
    expect(empty.shape).toEqual([0, 4]);
    expect(empty.size).toBe(0);
    const buffers = tf.memory().numDataBuffers;
    expectNoLeaks(() => tf.tidy(() => tf.split(tf.ones([10, 3]), [2, 3, 5])));
    expect(tf.memory().numDataBuffers).toBe(buffers);
    tf.dispose([x, empty]);
  });

  it('copySlice: [[1,2,3],[4,5,6]] begin [0,1] size [2,2] → [2,3,5,6]', () => {
    const out = new Float32Array(4);
    copySlice(Float32Array.of(1, 2, 3, 4, 5, 6), [2, 3], [0, 1], [2, 2], out);
    expect(Array.from(out)).toEqual([2, 3, 5, 6]);
  });
});
