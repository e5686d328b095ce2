import {FIT_DEFAULTS, type SgdRowOptimizerConfig} from '@encoderless/latent';
import type {ConfigOf, Coupling, Knobs} from '../flags/knobs';

/**
 * The settings of test-time inference: how the rows of new samples are fitted against a frozen
 * decoder (`fitTestRows`, `fitRepresentations`' per-row descent: each row steps on its own
 * gradient and stops when its own loss stops falling). Every experiment has them, under the same
 * names, and every one lands in config.json. Defaults: `fitRepresentations`' (FIT_DEFAULTS),
 * with a step cap per experiment.
 */
export const INFERENCE_KNOBS = {
  maxSteps: {kind: 'integer', min: 1, max: 1_000_000, help: 'most descent steps per test row (each row stops earlier once its own loss stops falling)'},
  patience: {kind: 'integer', min: 1, help: 'a row stops after this many steps without its loss falling by --inference-tolerance'},
  tolerance: {kind: 'number', min: 0, below: 1, help: 'the relative fall of a row\'s loss that counts as progress'},
  restarts: {kind: 'integer', min: 1, help: 'random starts per test sample; each keeps its best row'},
  learningRate: {kind: 'number', above: 0, help: 'SGD learning rate of the test rows (each row\'s own, before --inference-adaptive-rate scales it)'},
  momentum: {kind: 'number', min: 0, below: 1, help: 'SGD momentum of the test rows'},
  adaptiveRate: {kind: 'boolean', help: 'each row\'s rate grows (×1.2) while its loss falls and halves when it rises (up to 30× the base)'},
  batchSize: {kind: 'integer', min: 1, help: 'test rows per forward/backward pass (memory and speed only: the result does not depend on it)'},
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

/** Where the paper uses one Adam rate for every weight (MNIST, CIFAR-10), --learning-rate sets the autoencoders' too. */
export const ONE_WEIGHT_RATE: Coupling = {
  flag: 'learning-rate', sets: {'autoencoder-learning-rate': (v: number) => v},
  note: 'also sets --autoencoder-learning-rate unless given (the paper uses one rate here)',
};

/** Inference settings: `fitRepresentations`' defaults (FIT_DEFAULTS) with this experiment's step cap. */
export function inferenceDefaults(maxSteps: number): InferenceSettings {
  const d = FIT_DEFAULTS;
  const sgd = d.optimizer as SgdRowOptimizerConfig;
  return {
    maxSteps, patience: (d.convergence as {patience: number}).patience, tolerance: (d.convergence as {tolerance: number}).tolerance,
    restarts: d.restarts, learningRate: sgd.learningRate, momentum: sgd.momentum ?? 0.9, adaptiveRate: d.adaptiveRate !== false,
    batchSize: d.batchSize, initStd: d.initStd,
  };
}

/** The inference settings as a sentence for reports. */
export function describeInference(i: InferenceSettings): string {
  return `test rows fitted against the frozen decoder, each on its own gradient (per-row): SGD ${i.learningRate} momentum ${i.momentum}` +
    `${i.adaptiveRate ? ' with a per-row adaptive rate' : ''}, at most ${i.maxSteps} steps, a row stopping after ${i.patience} steps ` +
    `under ${i.tolerance} relative improvement, ${i.restarts} start${i.restarts === 1 ? '' : 's'} (std ${i.initStd})`;
}
