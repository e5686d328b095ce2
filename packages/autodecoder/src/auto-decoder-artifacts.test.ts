import * as tf from '@tensorflow/tfjs-core';
import {useBackend} from '@encoderless/backends';
import {sha256Hex} from '@encoderless/latent';
import {ARTIFACT_FORMAT, fitAutoDecoder, loadAutoDecoder, type AutoDecoder, type AutoDecoderTopology} from './index';

/** Saves through tfjs's in-memory save handler and returns the artifact. */
async function saveToMemory(model: AutoDecoder): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    saved = artifacts;
    return {modelArtifactsInfo: {dateSaved: new Date(), modelTopologyType: 'JSON'}};
  }));
  return saved!;
}

/** A copy of an artifact with its topology changed and, unless told otherwise, its checksum redone. */
function withTopology(a: tf.io.ModelArtifacts, change: (t: Record<string, unknown>) => void, rehash = true): tf.io.ModelArtifacts {
  const t = JSON.parse(JSON.stringify(a.modelTopology)) as Record<string, unknown> & {checksums: AutoDecoderTopology['checksums']};
  change(t);
  if (rehash) {
    const {checksums, ...body} = t;
    t.checksums = {...checksums, topology: sha256Hex(new TextEncoder().encode(JSON.stringify(body)))};
  }
  return {...a, modelTopology: t};
}

describe('saving and loading through tfjs IO handlers (wasm)', () => {
  let model: AutoDecoder;
  let artifacts: tf.io.ModelArtifacts;
  const data = Array.from({length: 40}, (_, i) => [i % 5, (3 * i) % 7, Math.floor(i / 4), (i * i) % 3]); // counts

  beforeAll(async () => {
    await useBackend('wasm');
    model = await fitAutoDecoder(data, {latentDim: 2, epochs: 3, validation: 0.2, decoder: {kind: 'mlp', hidden: [8]}, loss: 'negative-binomial',
      normalize: 'none'});
    artifacts = await saveToMemory(model);
  });
  afterAll(() => model?.dispose());

  it('the artifact is tfjs\'s ModelArtifacts: format, topology with spec and settings, named weights', () => {
    expect(artifacts.format).toBe(ARTIFACT_FORMAT);
    const t = artifacts.modelTopology as unknown as AutoDecoderTopology;
    expect(t.formatVersion).toBe(1);
    expect(t.decoder).toEqual({spec: model.decoder.spec});
    expect(t.settings.loss).toBe('negative-binomial');
    expect(t.checksums.algorithm).toBe('SHA-256');
    expect(artifacts.weightSpecs!.map((s) => s.name)).toEqual([
      'decoder/layer0/linear/kernel', 'decoder/layer0/linear/bias', 'decoder/layer1/linear/kernel', 'decoder/layer1/linear/bias',
      'loss/logDispersion', 'representations',
    ]);
  });

  it('a round trip through tf.io.fromMemory decodes and transforms bit-identically', async () => {
    const again = await loadAutoDecoder(tf.io.fromMemory(artifacts));
    expect(again.representations).toEqual(model.representations);
    expect(await again.decode(model.representations)).toEqual(await model.decode(model.representations));
    expect(await again.transform(data, {seed: 3})).toEqual(await model.transform(data, {seed: 3}));
    expect(Array.from(again.logDispersion!.dataSync())).toEqual(Array.from(model.logDispersion!.dataSync()));
    expect(again.history).toEqual(model.history);
    expect(again.validationIndices).toEqual(model.validationIndices);
    again.dispose();
  });

  it('refuses a corrupted, truncated, foreign or future artifact, naming what is wrong', async () => {
    const load = (a: tf.io.ModelArtifacts | null) => loadAutoDecoder(tf.io.fromMemory(a as tf.io.ModelArtifacts));
    const bytes = new Uint8Array(artifacts.weightData as ArrayBuffer);
    const flipped = bytes.slice();
    flipped[100] ^= 1;
    await expect(load({...artifacts, weightData: flipped.buffer})).rejects.toThrow(/weight data does not match its SHA-256 checksum/);
    await expect(load({...artifacts, weightData: bytes.slice(0, bytes.length - 4).buffer}))
      .rejects.toThrow(new RegExp(`the weight data is ${bytes.length - 4} bytes, the weight specs need ${bytes.length}: the weights are truncated`));
    await expect(load({...artifacts, weightData: undefined})).rejects.toThrow(/has no weight data/);
    await expect(load(withTopology(artifacts, (t) => { t.latentDim = 3; }, false)))
      .rejects.toThrow(/the topology does not match its SHA-256 checksum/);
    await expect(load(withTopology(artifacts, (t) => { t.formatVersion = 2; })))
      .rejects.toThrow(/format version 2 by a newer @encoderless\/autodecoder; this one reads versions up to 1: upgrade/);
    await expect(load({modelTopology: {class_name: 'Sequential'}, format: 'layers-model'}))
      .rejects.toThrow(/is not an encoderless auto-decoder \(format "layers-model"\).*tf.loadLayersModel/);
    await expect(load(withTopology(artifacts, (t) => { t.decoderWeights = ['layer0/linear/kernel', 'layer9/linear/kernel']; })))
      .rejects.toThrow(/weight "decoder\/layer9\/linear\/kernel" is missing/);
    const err = await load(withTopology(artifacts, (t) => { t.formatVersion = 2; })).catch((e) => e);
    expect(err.name).toBe('BadDataFileError');
    expect(err.file).toBe('the given IO handler');
  });

  it('a custom decoder is saved with its weights; loading asks for its factory', async () => {
    const factory = (m: number, shape: readonly number[]) => {
      const w = tf.variable(tf.randomNormal([m, shape[0]], 0, 0.1, 'float32', 5));
      const b = tf.variable(tf.zeros([shape[0]]));
      return {apply: (z: tf.Tensor) => tf.softplus(tf.add(tf.matMul(z, w), b)), variables: [w, b]};
    };
    const custom = await fitAutoDecoder(data, {latentDim: 2, epochs: 2, decoder: factory, loss: 'poisson'});
    const saved = await saveToMemory(custom);
    await expect(loadAutoDecoder(tf.io.fromMemory(saved)))
      .rejects.toThrow(/has a custom decoder \(custom module\).*pass the factory that built it/);
    const again = await loadAutoDecoder(tf.io.fromMemory(saved), {decoder: factory});
    expect(await again.decode(custom.representations)).toEqual(await custom.decode(custom.representations));
    const wrong = (m: number) => {
      const w = tf.variable(tf.zeros([m, 3]));
      return {apply: (z: tf.Tensor) => tf.slice(tf.tile(tf.matMul(z, w), [1, 2]), [0, 0], [-1, 4]), variables: [w]};
    };
    await expect(loadAutoDecoder(tf.io.fromMemory(saved), {decoder: wrong})).rejects.toThrow(/is it the same architecture\?/);
    [custom, again].forEach((m) => m.dispose());
  });

  it('a URL without a tfjs handler says how to save to files in Node', async () => {
    await expect(model.save('file:///tmp/x')).rejects.toThrow(/no save handler for "file:\/\/\/tmp\/x".*fileHandler\('\/tmp\/x'\)/);
    await expect(loadAutoDecoder('model.json')).rejects.toThrow(/no load handler for "model.json"/);
  });
});
