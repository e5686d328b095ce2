import {useBackend} from '@encoderless/backends';
import {createModel, type Model, type ModelSpec} from '@encoderless/models';

/**
 * How a worker thread of a data-parallel training run (`--threads` > 1) builds its copy of the
 * models: the backend the run uses, then each zoo model from its spec. The trainer copies the
 * calling thread's weights and state into it before the first step. Loaded by the worker with
 * `require`, so it is its own module.
 */
export async function createReplica(backend: string, decoderSpec: ModelSpec, encoderSpec?: ModelSpec): Promise<{decoder: Model; encoder?: Model}> {
  await useBackend(backend);
  return {decoder: createModel(decoderSpec), ...(encoderSpec ? {encoder: createModel(encoderSpec)} : {})};
}
