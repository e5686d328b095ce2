import type {ConfigOf, Coupling, Knobs} from '../flags/knobs';

/**
 * The settings of test-time inference: how the rows of new samples are fitted against a frozen
 * decoder (`fitTestRows`). Every experiment has them, under the same names, and every one lands
 * in config.json. Defaults are what the runners used before they were knobs.
 */
export const INFERENCE_KNOBS = {
  epochs: {kind: 'integer', min: 1, help: 'most epochs of fitting the test rows (fewer when the loss plateaus)'},
  batchSize: {kind: 'integer', min: 1, help: 'mini-batch size of fitting the test rows'},
  patience: {kind: 'integer', min: 1, help: 'plateau stop: epochs without enough improvement before stopping'},
  minRelativeImprovement: {kind: 'number', min: 0, below: 1, help: 'plateau stop: the relative fall of the epoch loss that counts as improvement'},
  restarts: {kind: 'integer', min: 1, help: 'random starts per test sample; each keeps its best row'},
  learningRate: {kind: 'number', above: 0, help: 'SGD learning rate of the test rows'},
  momentum: {kind: 'number', min: 0, below: 1, help: 'SGD momentum of the test rows'},
  semantics: {kind: 'choice', choices: ['dense', 'sparse'], help: "rows outside a batch: 'dense' keep moving on momentum (PyTorch), 'sparse' stay put"},
  initStd: {kind: 'number', above: 0, help: 'standard deviation of the test rows\' random start'},
} as const satisfies Knobs;

export type InferenceSettings = ConfigOf<typeof INFERENCE_KNOBS>;

/**
 * The knobs of the paper's protocol that every experiment shares, with one name each
 * everywhere: the weights' Adam, the rows' SGD, the batch, and inference.
 */
export const PROTOCOL_KNOBS = {
  batchSize: {kind: 'integer', min: 1, help: 'mini-batch size of training'},
  learningRate: {kind: 'number', above: 0, help: 'Adam learning rate of the decoder trained alone'},
  autoencoderLearningRate: {kind: 'number', above: 0, help: 'Adam learning rate of the autoencoders (from scratch, or the encoder on the frozen decoder)'},
  weightDecay: {kind: 'number', min: 0, help: 'Adam weight decay (PyTorch\'s L2 form) of every weight'},
  rowLearningRate: {kind: 'number', above: 0, help: 'SGD learning rate of the training rows'},
  rowMomentum: {kind: 'number', min: 0, below: 1, help: 'SGD momentum of the training rows'},
  inference: {kind: 'group', help: 'test-time inference', knobs: INFERENCE_KNOBS},
} as const satisfies Knobs;

export type ProtocolSettings = ConfigOf<typeof PROTOCOL_KNOBS>;

/** Every experiment's seed: within 2^31 so that the seeds derived from it stay exact integers. */
export const SEED_KNOB = {kind: 'integer', min: 0, max: 2_147_483_647, help: 'seed of everything random'} as const;

/**
 * Inference follows training's batch and row optimizer unless its own flags are given: the
 * runners always fitted test rows with the training rows' settings.
 */
export const INFERENCE_COUPLINGS: readonly Coupling[] = [
  {flag: 'batch-size', sets: {'inference-batch-size': (v: number) => v}, note: 'also sets --inference-batch-size unless given'},
  {flag: 'row-learning-rate', sets: {'inference-learning-rate': (v: number) => v}, note: 'also sets --inference-learning-rate unless given'},
  {flag: 'row-momentum', sets: {'inference-momentum': (v: number) => v}, note: 'also sets --inference-momentum unless given'},
];

/** Where the paper uses one Adam rate for every weight (MNIST, CIFAR-10), --learning-rate sets the autoencoders' too. */
export const ONE_WEIGHT_RATE: Coupling = {
  flag: 'learning-rate', sets: {'autoencoder-learning-rate': (v: number) => v},
  note: 'also sets --autoencoder-learning-rate unless given (the paper uses one rate here)',
};

/** Inference settings as the runners used them: the training rows' optimizer and batch, a plateau stop. */
export function inferenceDefaults(o: {epochs: number; batchSize: number; rowLearningRate: number; rowMomentum: number; patience: number}): InferenceSettings {
  return {
    epochs: o.epochs, batchSize: o.batchSize, patience: o.patience, minRelativeImprovement: 1e-4, restarts: 1,
    learningRate: o.rowLearningRate, momentum: o.rowMomentum, semantics: 'dense', initStd: 1,
  };
}

/** The inference settings as a sentence for reports. */
export function describeInference(i: InferenceSettings): string {
  return `test rows fitted against the frozen decoder: at most ${i.epochs} epochs, SGD ${i.learningRate} momentum ${i.momentum} ` +
    `(${i.semantics}), batch ${i.batchSize}, plateau stop after ${i.patience} epochs under ${i.minRelativeImprovement} relative ` +
    `improvement, ${i.restarts} start${i.restarts === 1 ? '' : 's'} (std ${i.initStd})`;
}
