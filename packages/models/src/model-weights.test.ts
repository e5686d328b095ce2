import * as tf from '@tensorflow/tfjs-core';
import {useBackend} from '@encoderless/backends';
import {expectNoLeaks, makeSeededTensor} from '@encoderless/test-utils';
import {
  BadModelConfigError, createCifarDecoder, createMlpDecoder, createMnistDecoder, createModel, getModelWeights, setModelWeights,
} from './index';
import type {Model} from './index';

// Bit-identity is the claim, so outputs are compared as bytes.
const bits = (t: tf.Tensor) => Buffer.from((t.dataSync() as Float32Array).buffer).toString('hex');

/** A few Adam steps on random targets in training mode: weights move, and batch norm's running statistics with them. */
function train(model: Model, steps: number): void {
  const optimizer = tf.train.adam(0.01);
  for (let s = 0; s < steps; s++) {
    const x = makeSeededTensor([2, ...model.inputShape], {seed: 10 + s});
    const target = makeSeededTensor([2, ...model.outputShape], {seed: 50 + s, min: 0, max: 1});
    optimizer.minimize(() => tf.mean(tf.squaredDifference(model.apply(x, {training: true}), target)) as tf.Scalar, false, model.variables as tf.Variable[]);
    tf.dispose([x, target]);
  }
  optimizer.dispose();
}

/** The model's outputs on a fixed batch, inference then training mode, as bytes. */
function outputs(model: Model): [string, string] {
  const x = makeSeededTensor([3, ...model.inputShape], {seed: 99});
  const result = tf.tidy(() => [bits(model.apply(x, {training: false})), bits(model.apply(x, {training: true}))] as [string, string]);
  x.dispose();
  return result;
}

describe('getModelWeights / setModelWeights (wasm)', () => {
  beforeAll(async () => { await useBackend('wasm'); });

  const cases: [string, () => Model][] = [
    ['MNIST decoder', () => createMnistDecoder({latentDim: 5, seed: 1})],
    ['CIFAR 4x4 decoder (batch norm)', () => createCifarDecoder({variant: '4x4', capacity: 4, seed: 2})],
    ['MLP decoder', () => createMlpDecoder({latentDim: 4, outputDim: 6, hidden: [8, 5], activation: 'tanh', outputLink: 'softplus', seed: 3})],
  ];
  it.each(cases)('%s trained 2 steps, rebuilt from its JSON spec and given its weights: bit-identical outputs in both modes', (_, make) => {
    const before = tf.memory().numTensors;
    const model = make();
    const initialState = model.state.map(bits);
    train(model, 2);
    if (model.state.length > 0) {
      // The running statistics moved, so a copy that dropped them would differ in inference mode.
      expect(model.state.map(bits)).not.toEqual(initialState);
    }
    const copy = createModel(JSON.parse(JSON.stringify(model.spec)));
    // Only the seed's initial weights so far: the check below is not trivially true.
    expect(outputs(copy)[0]).not.toBe(outputs(model)[0]);
    const weights = getModelWeights(model);
    expect(weights.map((w) => w.name)).toEqual(model.weightNames);
    setModelWeights(copy, weights);
    tf.dispose(weights.map((w) => w.tensor)); // the copy keeps its own
    expect([...copy.variables, ...copy.state].map(bits)).toEqual([...model.variables, ...model.state].map(bits));
    expect(outputs(copy)).toEqual(outputs(model));
    // The training-mode calls above moved both models' running statistics in step.
    expect(copy.state.map(bits)).toEqual(model.state.map(bits));
    model.dispose();
    copy.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('through tf.io.encodeWeights / decodeWeights (what a saved artifact holds), batch norm state included', async () => {
    const model = createCifarDecoder({variant: '4x4', capacity: 4, seed: 5});
    train(model, 2);
    const weights = getModelWeights(model);
    const {data, specs} = await tf.io.encodeWeights(weights);
    tf.dispose(weights.map((w) => w.tensor));
    expect(specs.map((s) => s.name)).toEqual(model.weightNames);
    const decoded = tf.io.decodeWeights(data, specs); // a name → tensor map
    const copy = createModel(model.spec);
    setModelWeights(copy, decoded);
    tf.dispose(Object.values(decoded));
    expect(outputs(copy)).toEqual(outputs(model));
    model.dispose();
    copy.dispose();
  });

  it('getModelWeights is a snapshot: later training does not change it; taking and disposing one leaks nothing', () => {
    const model = createMlpDecoder({latentDim: 2, outputDim: 3, hidden: [4], seed: 6});
    const snapshot = getModelWeights(model);
    const saved = snapshot.map((w) => bits(w.tensor));
    train(model, 2);
    expect(model.variables.map(bits)).not.toEqual(saved);
    expect(snapshot.map((w) => bits(w.tensor))).toEqual(saved);
    tf.dispose(snapshot.map((w) => w.tensor));
    expectNoLeaks(() => getModelWeights(model).map((w) => w.tensor));
    model.dispose();
  });

  describe('setModelWeights refuses, before changing anything,', () => {
    let model: Model;
    let weights: {name: string; tensor: tf.Tensor}[];
    let original: string[];
    beforeEach(() => {
      model = createMlpDecoder({latentDim: 2, outputDim: 3, hidden: [4], seed: 7});
      weights = getModelWeights(createMlpDecoder({latentDim: 2, outputDim: 3, hidden: [4], seed: 8}));
      original = model.variables.map(bits);
    });
    afterEach(() => {
      expect(model.variables.map(bits)).toEqual(original); // all or nothing
      tf.dispose(weights.map((w) => w.tensor));
      model.dispose();
    });
    const fails = (given: unknown, message: RegExp) => {
      const run = () => setModelWeights(model, given as never);
      expect(run).toThrow(BadModelConfigError);
      expect(run).toThrow(message);
    };
    it('a weight of the wrong shape, naming it and both shapes', () => {
      const wrong = weights.map((w) => (w.name === 'layer1/linear/kernel' ? {name: w.name, tensor: tf.zeros([4, 2])} : w));
      // Valid entries come first, so the check is not cut short by the first one.
      fails(wrong, /^setModelWeights: weight "layer1\/linear\/kernel" of model "mlp-decoder" has shape \[4, 2\], expected \[4, 3\]$/);
      tf.dispose(wrong[2].tensor);
    });
    it('a missing weight, naming it and its shape', () => {
      fails(weights.slice(0, 3), /^setModelWeights: weight "layer1\/linear\/bias" \[3\] of model "mlp-decoder" is missing; expected every one of layer0\/linear\/kernel \[2, 4\], layer0\/linear\/bias \[4\], layer1\/linear\/kernel \[4, 3\], layer1\/linear\/bias \[3\]$/);
    });
    it('a weight the model does not have', () => {
      const extra = tf.zeros([1]);
      fails([...weights, {name: 'layer2/linear/kernel', tensor: extra}], /^setModelWeights: model "mlp-decoder" has no weight named "layer2\/linear\/kernel"; its weights are layer0\/linear\/kernel \[2, 4\]/);
      extra.dispose();
    });
    it('a weight of another dtype, a weight given twice, entries that are not {name, tensor}', () => {
      const ints = weights.map((w) => (w.name === 'layer0/linear/bias' ? {name: w.name, tensor: tf.zeros([4], 'int32')} : w));
      fails(ints, /^setModelWeights: weight "layer0\/linear\/bias" of model "mlp-decoder" has dtype int32, expected float32$/);
      tf.dispose(ints[1].tensor);
      fails([...weights, weights[0]], /^setModelWeights: weight "layer0\/linear\/kernel" is given twice$/);
      fails([{name: 'x', tensor: [1, 2]}], /^setModelWeights: weights must be \{name, tensor\} entries, got an object with keys \[name, tensor\]$/);
      fails(null, /^setModelWeights: weights must be a list of \{name, tensor\} or a name → tensor map, got null$/);
    });
  });
});
