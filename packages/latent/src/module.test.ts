import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import {useBackend} from '@encoderless/backends';
import {createLatentTable, moduleFromFunction, moduleFromLayersModel, trainDecoder} from './index';

describe('decoders from a function or a tf.LayersModel (wasm)', () => {
  beforeAll(async () => { await useBackend('wasm'); });

  it('a tf.Sequential decoder trains through trainDecoder: its weights and the rows move, the loss falls', async () => {
    const model = tfl.sequential({layers: [
      tfl.layers.dense({inputShape: [2], units: 8, activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({seed: 1})}),
      tfl.layers.dense({units: 4, kernelInitializer: tfl.initializers.glorotUniform({seed: 2})}),
    ]});
    const decoder = moduleFromLayersModel(model);
    expect(decoder.variables.length).toBe(4); // two kernels, two biases
    expect(decoder.inputShape).toEqual([2]);
    const before = decoder.variables.map((v) => Array.from(v.dataSync()));
    const data = tf.tidy(() => tf.matMul(tf.randomNormal([40, 2], 0, 1, 'float32', 3), tf.randomNormal([2, 4], 0, 1, 'float32', 4)));
    const table = createLatentTable({size: 40, dim: 2, seed: 5});
    const rows0 = table.snapshot();
    const {history} = await trainDecoder({decoder, data, table, epochs: 30, batchSize: 8, weights: {learningRate: 0.01}});
    expect(history[history.length - 1].loss).toBeLessThan(0.5 * history[0].loss);
    decoder.variables.forEach((v, i) => expect(Array.from(v.dataSync())).not.toEqual(before[i]));
    expect(Array.from(table.snapshot())).not.toEqual(Array.from(rows0));
    model.dispose();
    data.dispose();
  });

  it('moduleFromLayersModel: no inputShape where the input has an unknown dimension or there are no inputs; apply passes training', () => {
    const calls: unknown[] = [];
    const fake = (inputs?: {shape: (number | null)[]}[]) => moduleFromLayersModel({
      inputs, trainableWeights: [], apply: (x: tf.Tensor, kwargs?: {training?: boolean}) => { calls.push(kwargs); return x; },
    });
    expect(fake([{shape: [null, 3, 4]}]).inputShape).toEqual([3, 4]);
    expect('inputShape' in fake([{shape: [null, null, 4]}])).toBe(false);
    expect('inputShape' in fake(undefined)).toBe(false);
    const x = tf.zeros([1, 3]);
    fake().apply(x);
    fake().apply(x, {training: true});
    expect(calls).toEqual([{training: false}, {training: true}]);
    x.dispose();
  });

  it('moduleFromFunction throws when given something that is not a function', () => {
    expect(() => moduleFromFunction(42 as unknown as (x: tf.Tensor) => tf.Tensor, [])).toThrow(/expected a function, got number/);
  });
});
