import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import {useBackend} from '@encoderless/backends';
import {fitAutoDecoder, loadAutoDecoder} from './index';

/** A tf.LayersModel decoder 2 → 8 → batch norm → 4. */
function layersDecoder(): tfl.LayersModel {
  return tfl.sequential({layers: [
    tfl.layers.dense({inputShape: [2], units: 8, activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({seed: 1})}),
    tfl.layers.batchNormalization(),
    tfl.layers.dense({units: 4, kernelInitializer: tfl.initializers.glorotUniform({seed: 2})}),
  ]});
}

describe('a tf.LayersModel as the decoder (wasm)', () => {
  beforeAll(async () => { await useBackend('wasm'); });

  it('trains in place, saves its trainable and non-trainable weights, and loads into a fresh model of the same architecture', async () => {
    const data = Array.from({length: 32}, (_, i) => [Math.sin(i), Math.cos(i), (i % 5) / 5, i / 32]);
    const decoder = layersDecoder();
    const before = decoder.getWeights().map((w) => Array.from(w.dataSync()));
    const model = await fitAutoDecoder(data, {latentDim: 2, epochs: 3, batchSize: 8, decoder});
    expect(model.decoder.description).toBe('tf.LayersModel');
    expect(model.decoder.state).toHaveLength(2); // moving mean and variance
    expect(decoder.getWeights().map((w) => Array.from(w.dataSync()))).not.toEqual(before);
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (a) => { saved = a; return {modelArtifactsInfo: {dateSaved: new Date(), modelTopologyType: 'JSON'}}; }));
    expect(saved!.weightSpecs!.filter((s) => /moving_(mean|variance)/.test(s.name))).toHaveLength(2);
    await expect(loadAutoDecoder(tf.io.fromMemory(saved!))).rejects.toThrow(/custom decoder \(tf.LayersModel\)/);
    // tfjs-layers numbers layer names per process, so this fresh model's weights are named
    // differently: a custom decoder's weights are matched by position, shapes checked.
    const fresh = layersDecoder();
    expect(fresh.weights[0].name).not.toBe(decoder.weights[0].name);
    const again = await loadAutoDecoder(tf.io.fromMemory(saved!), {decoder: fresh});
    expect(await again.decode(model.representations)).toEqual(await model.decode(model.representations));
    model.dispose();
    again.dispose();
  });
});

