import * as tf from '@tensorflow/tfjs-core';
import {describeEachBackend} from '@encoderless/test-utils';
import {isBackendInstalled, useBackend} from './index';

// tfjs-backend-webgpu 4.22.0 frees the data of a tensor disposed while a read of it is pending,
// and the read rejects (see keepDataDuringReads). Each case disposes during a read and expects
// the values all the same, then the data freed once the reads end: without keepDataDuringReads
// the first three fail with "TypeError: Cannot read properties of undefined (reading 'backend')".

/** 0, 1, … 1023: above the size (1000) under which webgpu computes on the CPU what is not on the GPU yet. */
const VALUES = Array.from({length: 1024}, (_, i) => i);
const DOUBLED = VALUES.map((v) => 2 * v);

/** [0, 2, … 2046], computed on the GPU (so its data is a GPU buffer that a read copies back). */
function onGpu(): tf.Tensor {
  return tf.tidy(() => tf.mul(tf.tensor1d(VALUES), 2));
}

describeEachBackend({useBackend, isBackendInstalled}, ['webgpu'], () => {
  it('a tensor disposed while its data() is pending reads back its values, then its data is freed', async () => {
    const before = {tensors: tf.memory().numTensors, data: tf.engine().backend.numDataIds()};
    const t = onGpu();
    const read = t.data();
    t.dispose();
    expect(tf.memory().numTensors).toBe(before.tensors);
    expect(Array.from(await read)).toEqual(DOUBLED);
    expect(tf.engine().backend.numDataIds()).toBe(before.data);
  });

  it('two reads pending when a tidy disposes the tensor: both get the values (tfjs-core\'s "2 subscribers" case)', async () => {
    const before = tf.engine().backend.numDataIds();
    let first: Promise<tf.backend_util.TypedArray> | undefined, second: Promise<tf.backend_util.TypedArray> | undefined;
    tf.tidy(() => {
      const t = onGpu();
      first = t.data();
      second = t.data();
    });
    expect(Array.from(await first!)).toEqual(DOUBLED);
    expect(Array.from(await second!)).toEqual(DOUBLED);
    expect(tf.engine().backend.numDataIds()).toBe(before);
  });

  it('disposing one of two tensors that share data leaves the other readable, and frees nothing early', async () => {
    const t = onGpu();
    const shared = tf.reshape(t, [32, 32]); // same data, a second reference
    const read = t.data();
    t.dispose();
    expect(Array.from(await read)).toEqual(DOUBLED);
    expect(Array.from(await shared.data())).toEqual(DOUBLED);
    const before = tf.engine().backend.numDataIds();
    shared.dispose();
    expect(tf.engine().backend.numDataIds()).toBe(before - 1);
  });

  it('a tensor read and disposed as usual (the read awaited first) leaks nothing', async () => {
    const warm = onGpu(); // the program, the buffer pool
    await warm.data();
    warm.dispose();
    const before = {tensors: tf.memory().numTensors, data: tf.engine().backend.numDataIds()};
    const t = onGpu();
    expect(Array.from(await t.data())).toEqual(DOUBLED);
    t.dispose();
    expect({tensors: tf.memory().numTensors, data: tf.engine().backend.numDataIds()}).toEqual(before);
  });
});
