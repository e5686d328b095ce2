import * as tf from '@tensorflow/tfjs-core';
import {useBackend} from '@encoderless/backends';
import {
  BadModelConfigError, composeAutoencoder, createCifarDecoder, createCifarEncoder, createLinearEncoder, createMlpDecoder,
  createMlpEncoder, createMnistDecoder, createMnistEncoder, createModel, createSparseDecoder, modelKinds,
} from './index';
import type {Model, ModelFactory} from './index';

/** Every zoo model, small where sizes are free (the image models' sizes are the paper's). */
const zoo: [string, () => Model][] = [
  ['sparse decoder with a mask', () => createSparseDecoder({latentDim: 2, outputDim: 3, mask: [1, 0, 1, 0, 1, 1], seed: 1})],
  ['dense sparse decoder without bias', () => createSparseDecoder({latentDim: 2, outputDim: 3, bias: false, relu: false, seed: 2})],
  ['linear encoder', () => createLinearEncoder({inputDim: 3, latentDim: 2, leakySlope: 0.2, seed: 3})],
  ['MNIST decoder', () => createMnistDecoder({latentDim: 4, seed: 4})],
  ['MNIST encoder', () => createMnistEncoder({seed: 5})],
  ['CIFAR 1x1 decoder', () => createCifarDecoder({variant: '1x1', capacity: 4, seed: 6})],
  ['CIFAR 4x4 decoder', () => createCifarDecoder({variant: '4x4', seed: 7})],
  ['CIFAR 1x1 encoder', () => createCifarEncoder({variant: '1x1', capacity: 4, seed: 8})],
  ['CIFAR 4x4 encoder', () => createCifarEncoder({variant: '4x4', seed: 9})],
  ['MLP decoder', () => createMlpDecoder({latentDim: 3, outputDim: 5, hidden: [4], activation: 'elu', outputLink: 'exp', seed: 10})],
  ['MLP encoder', () => createMlpEncoder({inputDim: 5, latentDim: 3, hidden: [4, 2], seed: 11})],
  ['autoencoder', () => composeAutoencoder(createMlpEncoder({inputDim: 5, latentDim: 2, seed: 12}), createMlpDecoder({latentDim: 2, outputDim: 5, seed: 13}))],
];

const bits = (v: tf.Tensor) => Buffer.from((v.dataSync() as Float32Array).buffer).toString('hex');

describe('model specs and createModel', () => {
  beforeAll(async () => { await useBackend('wasm'); });

  it.each(zoo)('%s: the spec survives JSON and rebuilds the same architecture with the same initial weights', (_, make) => {
    const before = tf.memory().numTensors;
    const model = make();
    const json = JSON.parse(JSON.stringify(model.spec));
    expect(json).toEqual(model.spec); // plain JSON: nothing lost (a typed-array mask would become an object)
    const again = createModel(json);
    expect([again.name, again.inputShape, again.outputShape, again.weightNames]).toEqual(
      [model.name, model.inputShape, model.outputShape, model.weightNames]);
    expect(again.spec).toEqual(model.spec);
    const all = (m: Model) => [...m.variables, ...m.state];
    expect(all(again).map(bits)).toEqual(all(model).map(bits));
    expect(new Set(model.weightNames).size).toBe(all(model).length);
    model.dispose();
    again.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('defaults are written into the spec, seed included', () => {
    const dec = createMnistDecoder();
    expect(dec.spec).toEqual({kind: 'mnist-decoder', options: {latentDim: 20, seed: 0}});
    dec.dispose();
    const cifar = createCifarDecoder({variant: '1x1'});
    expect(cifar.spec).toEqual({kind: 'cifar-decoder', options: {variant: '1x1', capacity: 64, seed: 0}});
    cifar.dispose();
    const mlp = createMlpDecoder({latentDim: 2, outputDim: 3});
    expect(mlp.spec).toEqual({kind: 'mlp-decoder', options: {latentDim: 2, outputDim: 3, hidden: [], activation: 'relu', outputLink: 'identity', seed: 0}});
    mlp.dispose();
  });

  it('batch norm running statistics are public state, named after their layer', () => {
    const dec = createCifarDecoder({variant: '4x4', seed: 1});
    // 4x4 decoder: convT, bn, convT, bn, convT, bn, convT (1x1): three batch norms.
    expect(dec.state.length).toBe(6);
    expect(dec.state.every((v) => !v.trainable)).toBe(true);
    expect(dec.weightNames.slice(dec.variables.length)).toEqual([
      'layer1/batchnorm/runningMean', 'layer1/batchnorm/runningVar',
      'layer3/batchnorm/runningMean', 'layer3/batchnorm/runningVar',
      'layer5/batchnorm/runningMean', 'layer5/batchnorm/runningVar',
    ]);
    expect(dec.weightNames.slice(0, 4)).toEqual(['layer0/convTranspose2d/kernel', 'layer0/convTranspose2d/bias', 'layer1/batchnorm/gamma', 'layer1/batchnorm/beta']);
    dec.dispose();
    const mnist = createMnistDecoder();
    expect(mnist.state).toEqual([]);
    expect(mnist.weightNames).toEqual([
      'layer0/linear/kernel', 'layer0/linear/bias', 'layer1/convTranspose2d/kernel', 'layer1/convTranspose2d/bias',
      'layer2/convTranspose2d/kernel', 'layer2/convTranspose2d/bias']);
    mnist.dispose();
  });

  it('an autoencoder\'s weights are named encoder/… then decoder/…, its state after its variables', () => {
    const ae = composeAutoencoder(createCifarEncoder({variant: '4x4', seed: 1}), createCifarDecoder({variant: '4x4', seed: 2}));
    const stateNames = ae.weightNames.slice(ae.variables.length);
    expect(stateNames.length).toBe(ae.state.length);
    expect(stateNames[0]).toBe('encoder/layer1/batchnorm/runningMean');
    expect(stateNames[stateNames.length - 1]).toBe('decoder/layer5/batchnorm/runningVar');
    expect(ae.spec.kind).toBe('autoencoder');
    ae.dispose();
  });

  it('throws naming an unknown kind and listing the known ones', () => {
    const run = () => createModel({kind: 'transformer', options: {}});
    expect(run).toThrow(BadModelConfigError);
    expect(run).toThrow(
      /^createModel: unknown model kind "transformer"; known kinds: autoencoder, cifar-decoder, cifar-encoder, linear-encoder, mlp-decoder, mlp-encoder, mnist-decoder, mnist-encoder, sparse-decoder$/);
    expect(() => createModel({kind: 'toString', options: {}})).toThrow(/unknown model kind "toString"/);
  });

  it('throws on an option the kind does not take, and frees the model it built', () => {
    const before = tf.memory().numTensors;
    expect(() => createModel({kind: 'mnist-decoder', options: {latentdim: 4, seed: 1}})).toThrow(
      /^createModel: a "mnist-decoder" spec has unknown option "latentdim"; it takes latentDim, seed$/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('throws on a spec that is not {kind, options}; bad values are the factory\'s errors', () => {
    expect(() => createModel(null as never)).toThrow(/^createModel: spec must be \{kind: string, options: object\} \(a model's \.spec\), got null$/);
    expect(() => createModel({kind: 'mlp-decoder'} as never)).toThrow(/spec must be \{kind: string, options: object\}/);
    expect(() => createModel({kind: 'mlp-decoder', options: {latentDim: 2, outputDim: -1}})).toThrow(/^createMlpDecoder: outputDim must be a positive integer, got -1$/);
    expect(() => createModel({kind: 'cifar-decoder', options: {variant: '8x8'}})).toThrow(/variant must be '1x1' or '4x4', got '8x8'/);
  });

  it('a registry of your own kinds extends the zoo\'s', () => {
    const calls: unknown[] = [];
    const mine: ModelFactory = (options) => { calls.push(options); return createMlpDecoder({latentDim: 2, outputDim: 2, seed: 1}); };
    const kinds = {...modelKinds, mine};
    const ae = createModel({kind: 'autoencoder', options: {encoder: {kind: 'mlp-encoder', options: {inputDim: 2, latentDim: 2}}, decoder: {kind: 'mine', options: {}}}}, kinds);
    expect(calls).toEqual([{}]);
    ae.dispose();
  });
});
