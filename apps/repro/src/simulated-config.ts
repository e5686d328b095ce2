import {samplesForDecoderLoad} from '@encoderless/load';
import {BadFlagError, choosePreset, type ParsedFlags} from './flags';

/** Every knob of the simulated experiment (paper Section 3.3). Defaults: the paper's. */
export interface SimulatedConfig {
  /** The preset these settings started from ('full' or 'quick'), before flag overrides. */
  readonly preset: string;
  /** Training-set sizes N; default: the N at which the decoder load is each of `targetLoads`. */
  readonly sizes: readonly number[];
  /** Decoder loads the default sizes aim at: 0.5 … 9.5, as the paper's sweep. */
  readonly targetLoads: readonly number[];
  /** m: regulators, the true representation's dimension. */
  readonly latentDim: number;
  /** n: genes. */
  readonly dataDim: number;
  /** c: probability of an edge regulator → gene. */
  readonly connectivity: number;
  /** σ of the noise added before the ReLU; 0 in experiment 1. */
  readonly noiseStd: number;
  /** Fresh test samples per training set. */
  readonly testSamples: number;
  /** Epochs of the decoder alone, and of the encoder on the frozen decoder. */
  readonly epochs: number;
  /** Epochs of the autoencoder trained from scratch (the paper: twice the decoder's). */
  readonly autoencoderEpochs: number;
  /** Most epochs of test-time row fitting (stops earlier on a plateau). */
  readonly testEpochs: number;
  /** Mini-batch size for everything. */
  readonly batchSize: number;
  /** Adam lr of the decoder weights. */
  readonly decoderLearningRate: number;
  /** Adam lr of the encoder (on the frozen decoder) and of the autoencoder. */
  readonly encoderLearningRate: number;
  /** SGD lr of the rows (train and test). */
  readonly rowLearningRate: number;
  /** SGD momentum of the rows. */
  readonly rowMomentum: number;
  /** Adam weight decay (PyTorch's L2 form) of every weight; "small" in the paper. */
  readonly weightDecay: number;
  /** Seed of everything random. */
  readonly seed: number;
}

/** The paper's settings. About 15–25 minutes here on wasm. */
export const SIMULATED_FULL: Omit<SimulatedConfig, 'sizes' | 'preset'> = {
  targetLoads: [0.5, 1, 2, 3, 5, 7, 8, 9, 9.5],
  latentDim: 100,
  dataDim: 1000,
  connectivity: 0.1,
  noiseStd: 0,
  testSamples: 100,
  epochs: 500,
  autoencoderEpochs: 1000,
  testEpochs: 500,
  batchSize: 32,
  decoderLearningRate: 1e-3,
  encoderLearningRate: 1e-4,
  rowLearningRate: 0.01,
  rowMomentum: 0.9,
  weightDecay: 1e-5,
  seed: 0,
};

/**
 * `--quick`: the same experiment in about a minute — three loads (1, 3, 6), 150 epochs, and
 * every model at a higher Adam rate (decoder 3e-3, encoders 1e-3) so that it gets somewhere in
 * so few steps. Not the paper's settings; the report says so.
 */
export const SIMULATED_QUICK: Omit<SimulatedConfig, 'sizes' | 'preset'> = {
  ...SIMULATED_FULL,
  targetLoads: [1, 3, 6],
  epochs: 150,
  autoencoderEpochs: 300,
  testEpochs: 150,
  decoderLearningRate: 3e-3,
  encoderLearningRate: 1e-3,
};

/** Decoder parameters of the simulated net: the expected edges c·m·n plus n biases. */
export function expectedDecoderWeights(c: Pick<SimulatedConfig, 'latentDim' | 'dataDim' | 'connectivity'>): number {
  return Math.round(c.connectivity * c.latentDim * c.dataDim) + c.dataDim;
}

/** Flags → config: preset, then overrides. */
export function resolveSimulatedConfig(flags: ParsedFlags): SimulatedConfig {
  const {name, preset} = choosePreset(flags, {full: SIMULATED_FULL, quick: SIMULATED_QUICK}, 'simulated');
  const epochs = flags.epochs as number | undefined;
  if (epochs !== undefined && epochs <= 0) {
    throw new BadFlagError(`encoderless simulated: --epochs must be positive, got ${epochs}`);
  }
  const base = {
    ...preset,
    ...(epochs !== undefined ? {epochs, autoencoderEpochs: 2 * epochs, testEpochs: Math.max(epochs, 50)} : {}),
    ...(flags.seed !== undefined ? {seed: flags.seed as number} : {}),
  };
  const sizes = (flags.sizes as number[] | undefined)
    ?? base.targetLoads.map((l) => samplesForDecoderLoad(l, {dataDim: base.dataDim, latentDim: base.latentDim, weights: expectedDecoderWeights(base)}));
  return {preset: name, ...base, sizes: [...new Set(sizes)].sort((a, b) => a - b)};
}

/** The preset object a config started from. */
export function simulatedPreset(config: SimulatedConfig): object {
  return config.preset === 'quick' ? SIMULATED_QUICK : SIMULATED_FULL;
}
