import * as tf from '@tensorflow/tfjs-core';
import {useBackend} from './index';

// Its own file: the banner prints once per engine, and jest gives each file a fresh engine.
describe('useBackend output', () => {
  it('cpu: the first tensor prints no "running TensorFlow.js in Node.js" banner', async () => {
    const warnings: string[] = [];
    const warn = jest.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => { warnings.push(args.join(' ')); });
    try {
      await useBackend('cpu');
      tf.tidy(() => tf.add(tf.tensor1d([1, 2]), 1).dataSync());
    } finally {
      warn.mockRestore();
    }
    expect(warnings.filter((w) => /running TensorFlow\.js in Node\.js/.test(w))).toEqual([]);
  });
});
