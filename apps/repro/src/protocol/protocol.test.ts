import {existsSync} from 'node:fs';
import {useBackend} from '@encoderless/backends';
import {moduleFromFunction} from '@encoderless/latent';
import {createMnistDecoder, createMnistEncoder, getModelWeights} from '@encoderless/models';
import {expectArraysClose} from '@encoderless/test-utils';
import {createReplica} from './replica';
import {spreadOver} from './protocol';

describe('--threads: how the protocol spreads a training run over threads', () => {
  beforeAll(async () => { await useBackend('wasm'); });

  it('one thread: no replica, the trainers run as before', () => {
    const decoder = createMnistDecoder({latentDim: 4, seed: 1});
    expect(spreadOver(1, decoder)).toEqual({});
    decoder.dispose();
  });

  it('several threads: a replica recipe the worker can load, naming the backend and the zoo specs', async () => {
    const decoder = createMnistDecoder({latentDim: 4, seed: 1}), encoder = createMnistEncoder({latentDim: 4, seed: 2});
    const spread = spreadOver(2, decoder, encoder);
    expect(spread.threads).toBe(2);
    expect(spread.replica!.export).toBe('createReplica');
    expect(spread.replica!.args).toEqual(['wasm', decoder.spec, encoder.spec]);
    // The compiled module the worker requires is there, and rebuilds the same architectures.
    expect(existsSync(spread.replica!.module)).toBe(true);
    const copy = await createReplica('wasm', decoder.spec, encoder.spec);
    expect(getModelWeights(copy.decoder).map((w) => w.name)).toEqual(getModelWeights(decoder).map((w) => w.name));
    expectArraysClose(getModelWeights(copy.decoder)[0].tensor, getModelWeights(decoder)[0].tensor, {atol: 0, rtol: 0});
    copy.decoder.dispose();
    copy.encoder!.dispose();
    decoder.dispose();
    encoder.dispose();
  });

  it('a module without a zoo spec cannot be rebuilt in a worker: it trains on one thread', () => {
    expect(spreadOver(2, moduleFromFunction((z) => z, []))).toEqual({});
  });
});
