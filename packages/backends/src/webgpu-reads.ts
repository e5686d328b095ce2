import * as tf from '@tensorflow/tfjs-core';

type DataId = object;

/**
 * tfjs-backend-webgpu 4.22.0 frees a tensor's buffer when its last tensor is disposed while a
 * read of it is pending (`const p = t.data(); t.dispose()`, or a `tf.tidy` that ends before the
 * read does): when the GPU's copy arrives, `p` rejects with "TypeError: Cannot read properties
 * of undefined (reading 'backend')" instead of giving the values. tfjs's webgl backend
 * keeps such data until its reads end; this makes a webgpu backend do the same: the disposal
 * that would free data with a pending read is put off until the last of its reads ends, then
 * done (and the data forgotten by the engine, as a disposal that frees does).
 */
export function keepDataDuringReads(backend: tf.KernelBackend): void {
  const pending = new Map<DataId, number>(); // data → reads not yet ended
  const deferred = new Map<DataId, boolean>(); // data whose disposal waits → whether it was forced
  const read = backend.read.bind(backend);
  const disposeData = backend.disposeData.bind(backend);
  backend.read = async (dataId) => {
    pending.set(dataId, (pending.get(dataId) ?? 0) + 1);
    try {
      return await read(dataId);
    } finally {
      const left = pending.get(dataId)! - 1;
      if (left > 0) {
        pending.set(dataId, left);
      } else {
        pending.delete(dataId);
        const force = deferred.get(dataId);
        if (force !== undefined) {
          deferred.delete(dataId);
          if (disposeData(dataId, force)) tf.engine().removeDataId(dataId, backend);
        }
      }
    }
  };
  backend.disposeData = (dataId, force = false) => {
    if (deferred.has(dataId)) return false;
    if (pending.has(dataId) && (force || backend.refCount(dataId) <= 1)) {
      deferred.set(dataId, force);
      return false;
    }
    return disposeData(dataId, force);
  };
}
