import {useBackend} from '@encoderless/backends';
import {
  createCifarDecoder, createCifarEncoder, createLinearEncoder, createMnistDecoder, createMnistEncoder,
  createSparseDecoder, type Model,
} from '@encoderless/models';
import {createRandom} from '@encoderless/random';
import type {BenchModel} from './bench-options';

/** A zoo decoder and the encoder of its autoencoder baseline. */
export interface ZooPair {
  readonly decoder: Model;
  readonly encoder: Model;
}

/** The simulated experiment's sizes (paper Section 3.3): m = 100, n = 1000, 10% of the edges. */
const SPARSE = {latentDim: 100, outputDim: 1000, connectivity: 0.1};

/** Build one model of the zoo with its encoder, at the paper's sizes. */
export function createZooPair(model: BenchModel): ZooPair {
  switch (model) {
    case 'mnist':
      return {decoder: createMnistDecoder({seed: 1}), encoder: createMnistEncoder({seed: 2})};
    case 'cifar-1x1':
    case 'cifar-4x4': {
      const variant = model === 'cifar-1x1' ? '1x1' : '4x4';
      return {decoder: createCifarDecoder({variant, seed: 1}), encoder: createCifarEncoder({variant, seed: 2})};
    }
    case 'sparse': {
      const rng = createRandom(3);
      const mask = Float32Array.from({length: SPARSE.latentDim * SPARSE.outputDim}, () => (rng.uniform(0, 1) < SPARSE.connectivity ? 1 : 0));
      return {
        decoder: createSparseDecoder({latentDim: SPARSE.latentDim, outputDim: SPARSE.outputDim, mask, seed: 1}),
        encoder: createLinearEncoder({inputDim: SPARSE.outputDim, latentDim: SPARSE.latentDim, seed: 2}),
      };
    }
  }
}

/**
 * The replica recipe's function for `threads` > 1: each worker thread selects the backend and
 * builds its own copy of the pair (the trainer copies the weights in).
 */
export async function createBenchReplica(backend: string, model: BenchModel): Promise<ZooPair> {
  await useBackend(backend);
  return createZooPair(model);
}
