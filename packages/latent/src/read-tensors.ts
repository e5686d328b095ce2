import * as tf from '@tensorflow/tfjs-core';

/**
 * The values of several float32 tensors, read from the backend at once: they are flattened and
 * concatenated on the device and read with one `await data()`, then split. On a GPU each read
 * is a round trip that waits for the queue (a training step that read its loss and its rows'
 * gradient apart waited twice); on the CPU backends it costs one copy. Async only, so that it
 * works where `dataSync` does not (WebGPU in Node). Disposes nothing: the caller owns `tensors`.
 *
 * ```ts
 * const [loss, rowGrad] = await readTensors([value, grad]); // Float32Array(1), Float32Array(batch·m)
 * ```
 */
export async function readTensors(tensors: readonly tf.Tensor[]): Promise<Float32Array[]> {
  if (tensors.length === 1) return [await tensors[0].data() as Float32Array];
  const joined = tf.tidy(() => tf.concat(tensors.map((t) => tf.reshape(t, [-1]))));
  let values: Float32Array;
  try {
    values = await joined.data() as Float32Array;
  } finally {
    joined.dispose();
  }
  let offset = 0;
  return tensors.map((t) => values.subarray(offset, (offset += t.size)));
}

/** A scalar's value, read asynchronously; the scalar is disposed. */
export async function readScalar(scalar: tf.Tensor): Promise<number> {
  try {
    return (await scalar.data())[0];
  } finally {
    scalar.dispose();
  }
}
