import {totalmem} from 'node:os';
import {BadConfigError} from '@encoderless/errors';
import {samplesForDecoderLoad} from '@encoderless/load';
import type {ConfigOf, Coupling, Knobs} from '../../flags/knobs';
import {inferenceDefaults, PROTOCOL_KNOBS, SEED_KNOB} from '../../protocol/protocol-knobs';

/** Every knob of the simulated experiment (paper Section 3.3). Defaults (the `full` preset): the paper's. */
export const SIMULATED_KNOBS = {
  sizes: {kind: 'integer-list', min: 1, help: 'training-set sizes N; by default those whose decoder load is each of --target-loads'},
  targetLoads: {kind: 'number-list', above: 0, help: 'decoder loads the default sizes aim at (the paper sweeps 0.5 … 9.5; below n/m)'},
  latentDim: {kind: 'integer', min: 1, help: 'm: regulators, the true representation\'s dimension'},
  dataDim: {kind: 'integer', min: 1, help: 'n: genes'},
  connectivity: {kind: 'number', above: 0, max: 1, help: 'c: probability of an edge regulator → gene'},
  noiseStd: {kind: 'number', min: 0, help: 'σ of the noise added before the ReLU (0 in experiment 1)'},
  testSamples: {kind: 'integer', min: 1, help: 'fresh test samples per training set'},
  epochs: {kind: 'integer', min: 1, max: 1_000_000, help: 'epochs of the decoder alone, and of the encoder on the frozen decoder'},
  autoencoderEpochs: {kind: 'integer', min: 1, max: 1_000_000, help: 'epochs of the autoencoder from scratch (the paper: twice the decoder\'s)'},
  ...PROTOCOL_KNOBS,
  seed: SEED_KNOB,
} as const satisfies Knobs;

export type SimulatedConfig = ConfigOf<typeof SIMULATED_KNOBS>;

/** The paper's settings (sizes from the target loads). About 15–25 minutes here on wasm. */
const FULL: SimulatedConfig = {
  sizes: [],
  targetLoads: [0.5, 1, 2, 3, 5, 7, 8, 9, 9.5],
  latentDim: 100,
  dataDim: 1000,
  connectivity: 0.1,
  noiseStd: 0,
  testSamples: 100,
  epochs: 500,
  autoencoderEpochs: 1000,
  batchSize: 32,
  learningRate: 1e-3,
  autoencoderLearningRate: 1e-4,
  weightDecay: 1e-5,
  rowLearningRate: 0.01,
  rowMomentum: 0.9,
  // Test rows get as many epochs as training: 500 per-row gradients reach the fit (issue #16).
  inference: inferenceDefaults(500),
  seed: 0,
};

/**
 * `--quick`: the same experiment in about a minute — three loads (1, 3, 6), 150 epochs, and
 * every model at a higher Adam rate (decoder 3e-3, autoencoders 1e-3) so that it gets somewhere
 * in so few steps. Not the paper's settings; the report says so.
 */
const QUICK: SimulatedConfig = {
  ...FULL,
  targetLoads: [1, 3, 6],
  epochs: 150,
  autoencoderEpochs: 300,
  learningRate: 3e-3,
  autoencoderLearningRate: 1e-3,
  inference: {...FULL.inference, maxSteps: 150},
};

export const SIMULATED_PRESETS = {full: FULL, quick: QUICK};

/** `--epochs N` keeps the paper's proportion: the autoencoder trains 2N. */
export const SIMULATED_COUPLINGS: readonly Coupling[] = [
  {flag: 'epochs', sets: {'autoencoder-epochs': (v: number) => 2 * v}, note: 'also sets --autoencoder-epochs to 2N unless given'},
];

/** Decoder parameters of the simulated net: the expected edges c·m·n plus n biases. */
export function expectedDecoderWeights(c: Pick<SimulatedConfig, 'latentDim' | 'dataDim' | 'connectivity'>): number {
  return Math.round(c.connectivity * c.latentDim * c.dataDim) + c.dataDim;
}

/** Bytes one job of N samples holds at its peak: samples and truth as arrays and tensors, the table, the models. */
export function simulatedJobBytes(c: SimulatedConfig, samples: number): number {
  const rows = samples + c.testSamples;
  return 4 * (3 * rows * (c.dataDim + c.latentDim) + 6 * c.dataDim * c.latentDim);
}

/**
 * Sizes from the target loads unless --sizes is given; then refuse what this machine cannot
 * hold (a job of N = 100,000,000 would ask for 400 GB) before anything starts.
 */
export function completeSimulatedConfig(config: SimulatedConfig, given: ReadonlySet<string>): SimulatedConfig {
  const limit = config.dataDim / config.latentDim;
  const tooHigh = config.targetLoads.find((l) => l >= limit);
  if (!given.has('sizes') && tooHigh !== undefined) {
    throw new BadConfigError(`encoderless simulated: --target-loads ${tooHigh} is not below n/m = ${config.dataDim}/${config.latentDim} = ` +
      `${limit}, which no N reaches; lower it, or give --sizes`, {option: '--target-loads'});
  }
  const sizes = given.has('sizes') ? config.sizes
    : config.targetLoads.map((l) => samplesForDecoderLoad(l, {dataDim: config.dataDim, latentDim: config.latentDim, weights: expectedDecoderWeights(config)}));
  const sorted = [...new Set(sizes)].sort((a, b) => a - b);
  const largest = sorted[sorted.length - 1];
  const need = simulatedJobBytes(config, largest);
  if (need > totalmem()) {
    throw new BadConfigError(`encoderless simulated: N = ${largest} needs about ${(need / 1e9).toFixed(0)} GB for one job ` +
      `(samples × (n + m) floats several times over), more than this machine's ${(totalmem() / 1e9).toFixed(0)} GB; choose smaller --sizes`,
    {option: '--sizes'});
  }
  return {...config, sizes: sorted};
}
