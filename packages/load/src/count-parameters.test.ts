import {countParameters, BadLoadArgumentError} from './index';

// Shapes of the paper's MNIST conv decoder as tfjs stores them (hand count in load.test.ts):
// dense kernel [20, 6272] + bias [6272]; conv2dTranspose kernels are [k, k, out, in].
const mnistDecoderShapes = [[20, 6272], [6272], [4, 4, 64, 128], [64], [4, 4, 1, 64], [1]];

describe('countParameters', () => {
  it('uses countParameters() first: a sparse layer counting unmasked weights only', () => {
    // 100×1000 dense, 10% unmasked: 10,000 weights + 1,000 biases. Its variables would say
    // 101,000, so the method must win.
    const sparse = {
      countParameters: () => 11_000,
      variables: [{shape: [100, 1000]}, {shape: [1000]}],
      countParams: () => 101_000,
    };
    expect(countParameters(sparse)).toBe(11_000);
  });

  it('uses countParams() of a tf.LayersModel-like object', () => {
    expect(countParameters({countParams: () => 263_873, trainableWeights: [{shape: [1]}]})).toBe(263_873);
  });

  it('sums shapes of variables: MNIST conv decoder = 263,873', () => {
    expect(countParameters({variables: mnistDecoderShapes.map((shape) => ({shape}))})).toBe(263_873);
  });

  it('prefers size to shape, and variables to trainableWeights', () => {
    const model = {
      variables: [{size: 6, shape: [2, 3]}, {size: 4}],
      trainableWeights: [{size: 1}],
    };
    expect(countParameters(model)).toBe(10);
    expect(countParameters({trainableWeights: [{shape: [3, 3]}, {shape: []}]})).toBe(9 + 1);
    expect(countParameters({variables: []})).toBe(0);
  });

  it('throws for objects it cannot count', () => {
    expect(() => countParameters({layers: []} as never))
      .toThrow(/^countParameters: model must have countParameters\(\), countParams\(\), or a variables or trainableWeights array, got an object with keys \[layers\]$/);
    expect(() => countParameters(null as never)).toThrow(/^countParameters: model must be an object, got null$/);
    expect(() => countParameters(42 as never)).toThrow(BadLoadArgumentError);
    expect(() => countParameters(42 as never)).toThrow(/^countParameters: model must be an object, got 42$/);
  });

  it('a weight of size 0 (a dimension of 0, or a method counting 0) counts 0; a negative one throws', () => {
    expect(countParameters({variables: [{shape: [0, 5]}, {shape: [2]}]})).toBe(2);
    expect(countParameters({countParameters: () => 0})).toBe(0);
    expect(() => countParameters({variables: [{shape: [-1, 3]}]}))
      .toThrow(/^countParameters: model.variables\[0\].shape\[0\] must be a whole number, got -1 \(a weight with an unknown dimension has no size\)$/);
    expect(() => countParameters({variables: [{size: 2.5}]}))
      .toThrow(/^countParameters: model.variables\[0\].size must return a whole number, got 2.5$/);
  });

  it('throws naming the weight with an unknown dimension', () => {
    expect(() => countParameters({trainableWeights: [{shape: [3]}, {shape: [null, 4]}]}))
      .toThrow(/^countParameters: model.trainableWeights\[1\].shape\[0\] must be a whole number, got null/);
    expect(() => countParameters({variables: [{}]} as never))
      .toThrow(/^countParameters: model.variables\[0\] must have a numeric size or a shape array/);
    expect(() => countParameters({variables: 'w'} as never))
      .toThrow(/^countParameters: model.variables must be an array of weights, got "w"$/);
    expect(() => countParameters({variables: [{size: 1}, null]} as never))
      .toThrow(/^countParameters: model.variables\[1\] must be an object with size or shape, got null$/);
    expect(() => countParameters({variables: [7]} as never))
      .toThrow(/^countParameters: model.variables\[0\] must be an object with size or shape, got 7$/);
  });

  it('throws when a model count is not a whole number', () => {
    expect(() => countParameters({countParameters: () => -1}))
      .toThrow(/^countParameters: model.countParameters\(\) must return a whole number, got -1$/);
    expect(() => countParameters({countParams: () => NaN}))
      .toThrow(/^countParameters: model.countParams\(\) must return a whole number, got NaN$/);
  });
});
