// What a worker thread of `fitAutoDecoder({threads})` requires (by path, from the build): not
// part of the package's entries, so that no bundle of them pulls in a backend.
import {BadConfigError} from '@encoderless/errors';
import type {Module} from '@encoderless/latent';
import type {ModelSpec} from '@encoderless/models';
import {resolveDecoder} from './resolve-decoder';

/**
 * Build a worker's copy of the decoder: select the run's backend, given by its tfjs name, with
 * @encoderless/backends (an optional peer: whoever runs several threads has it to select a
 * backend), then the decoder
 * from its zoo spec, wrapped as `fitAutoDecoder` wraps it (the same variables and state in the
 * same order; the trainer copies their values in).
 */
export async function createAutoDecoderReplica(tfjsBackend: string, spec: ModelSpec, latentDim: number, featureShape: number[],
  loss: string): Promise<{decoder: Module}> {
  let backends: typeof import('@encoderless/backends');
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    backends = require('@encoderless/backends') as typeof import('@encoderless/backends');
  } catch {
    throw new BadConfigError(
      'fitAutoDecoder: threads > 1 needs @encoderless/backends installed beside @encoderless/autodecoder ' +
      '(npm install @encoderless/backends): each worker thread selects the backend with it', {option: 'threads'});
  }
  await backends.useBackend(backends.backendNameOf(tfjsBackend) ?? tfjsBackend);
  const decoder = resolveDecoder('fitAutoDecoder', spec, latentDim, featureShape, loss, 0);
  return {decoder: {apply: (z, o) => decoder.module.apply(z, o), variables: [...decoder.variables], state: [...decoder.state]}};
}
