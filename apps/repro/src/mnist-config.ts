import {BadFlagError, choosePreset, type ParsedFlags} from './flags';

/** The two MNIST scenarios: the paper's sweep over N, and the out-of-distribution test. */
export type MnistScenario = 'sweep' | 'ood';

/** Every knob of the MNIST experiment (paper Section 3.1). Defaults: the paper's. */
export interface MnistConfig {
  /** The preset these settings started from ('full' or 'quick'), before flag overrides. */
  readonly preset: string;
  /** Which scenarios to run. */
  readonly scenarios: readonly MnistScenario[];
  /** Training-set sizes N of the sweep (seeded random subsets of the 60,000). */
  readonly sizes: readonly number[];
  /** Test images (a fixed seeded subset of the 10,000). */
  readonly testSamples: number;
  /** m: representation dimension. */
  readonly latentDim: number;
  /** Training epochs of every model. */
  readonly epochs: number;
  /** Most epochs of fitting the decoder's test rows (stops earlier on a plateau). */
  readonly testEpochs: number;
  /** Mini-batch size. */
  readonly batchSize: number;
  /** Adam lr of every weight (decoder, encoders). */
  readonly learningRate: number;
  /** Adam weight decay (PyTorch's L2 form). */
  readonly weightDecay: number;
  /** SGD lr of the rows (train and test). */
  readonly rowLearningRate: number;
  /** SGD momentum of the rows. */
  readonly rowMomentum: number;
  /** Out of distribution: training images of digits 0–4 (N), tested on digits 5–9. */
  readonly oodSamples: number;
  /** Test images shown in the reconstruction grids. */
  readonly gridImages: number;
  /** Seed of everything random. */
  readonly seed: number;
}

/** The paper's settings: 200 epochs at N up to 15,000 — days of CPU time on wasm. */
export const MNIST_FULL: Omit<MnistConfig, 'preset'> = {
  scenarios: ['sweep', 'ood'],
  sizes: [500, 1000, 2000, 4000, 8000, 15000],
  testSamples: 1000,
  latentDim: 20,
  epochs: 200,
  testEpochs: 200,
  batchSize: 32,
  learningRate: 1e-3,
  weightDecay: 1e-5,
  rowLearningRate: 0.02,
  rowMomentum: 0.9,
  oodSamples: 4000,
  gridImages: 8,
  seed: 0,
};

/** `--quick`: the pipeline end to end in a couple of minutes (CI): two small N, few epochs. */
export const MNIST_QUICK: Omit<MnistConfig, 'preset'> = {
  ...MNIST_FULL,
  sizes: [200, 500],
  testSamples: 200,
  epochs: 4,
  testEpochs: 30,
  oodSamples: 300,
};

export const MNIST_SCENARIOS: readonly MnistScenario[] = ['sweep', 'ood'];

/** Flags → config: preset, then overrides. */
export function resolveMnistConfig(flags: ParsedFlags): MnistConfig {
  const {name, preset} = choosePreset(flags, {full: MNIST_FULL, quick: MNIST_QUICK}, 'mnist');
  const epochs = flags.epochs as number | undefined;
  if (epochs !== undefined && epochs <= 0) throw new BadFlagError(`encoderless mnist: --epochs must be positive, got ${epochs}`);
  const scenarios = flags.scenario === undefined ? preset.scenarios
    : String(flags.scenario).split(',').map((s) => s.trim());
  for (const s of scenarios) {
    if (!(MNIST_SCENARIOS as readonly string[]).includes(s)) {
      throw new BadFlagError(`encoderless mnist: unknown scenario '${s}'; expected ${MNIST_SCENARIOS.join(', ')} (comma-separated)`);
    }
  }
  const sizes = (flags.sizes as number[] | undefined) ?? preset.sizes;
  return {
    preset: name,
    ...preset,
    scenarios: scenarios as MnistScenario[],
    sizes: [...new Set(sizes)].sort((a, b) => a - b),
    ...(epochs !== undefined ? {epochs, testEpochs: Math.max(epochs, 30)} : {}),
    ...(flags.seed !== undefined ? {seed: flags.seed as number} : {}),
  };
}

/** The preset object a config started from. */
export function mnistPreset(config: MnistConfig): object {
  return config.preset === 'quick' ? MNIST_QUICK : MNIST_FULL;
}
