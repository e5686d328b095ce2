import {BadFlagError, choosePreset, type ParsedFlags} from './flags';

/** The paper's four CIFAR-10 models (Appendix A): a decoder alone, or an autoencoder, per variant. */
export type CifarModelName = 'decoder_1x1' | 'autoencoder_1x1' | 'decoder_4x4' | 'autoencoder_4x4';
export const CIFAR_MODELS: readonly CifarModelName[] = ['decoder_1x1', 'autoencoder_1x1', 'decoder_4x4', 'autoencoder_4x4'];

/** 'subsets': test loss per training-set size and seed (Figure 3a/c); 'curves': test loss per epoch (Figure 3b, d–f). */
export type CifarScenario = 'subsets' | 'curves';
export const CIFAR_SCENARIOS: readonly CifarScenario[] = ['subsets', 'curves'];

/** Every knob of the CIFAR-10 experiment (paper Section 3.2). Defaults: the paper's where it gives them. */
export interface CifarConfig {
  /** The preset these settings started from, before flag overrides. */
  readonly preset: string;
  readonly scenarios: readonly CifarScenario[];
  readonly models: readonly CifarModelName[];
  /** Subset experiment: training images per class (class-balanced seeded subsets). */
  readonly sizes: readonly number[];
  /** Subset experiment: repeats with seeds seed, seed+1, …; each draws its own subset and inits. */
  readonly seeds: number;
  /** Subset experiment: training epochs. */
  readonly epochs: number;
  /** Learning curves: training images per class (5,000 is the whole training set). */
  readonly curvePerClass: number;
  /** Learning curves: training epochs. */
  readonly curveEpochs: number;
  /** Learning curves: the epochs after which the test loss is measured (the last epoch always is). */
  readonly curveEvalEpochs: readonly number[];
  /** Learning curves: the epochs whose reconstructions are drawn (Figure 3d–f). */
  readonly gridEpochs: readonly number[];
  /** The class-balanced fraction of the test set every model is tested on (the paper: a tenth). */
  readonly testFraction: number;
  /** Most epochs of fitting a decoder's test rows against it frozen (stops earlier on a plateau). */
  readonly testEpochs: number;
  readonly batchSize: number;
  /** Adam lr of every weight. */
  readonly learningRate: number;
  /** Adam weight decay (PyTorch's L2 form). */
  readonly weightDecay: number;
  /** SGD lr of the rows (train and test). */
  readonly rowLearningRate: number;
  /** SGD momentum of the rows. */
  readonly rowMomentum: number;
  /** Test images in each reconstruction grid. */
  readonly gridImages: number;
  /** Seed of everything random. */
  readonly seed: number;
}

/**
 * The paper's settings: MSE, Adam with weight decay, rows SGD with momentum, 100 epochs and 5
 * seeds over 50–5,000 images per class, 400 epochs on the whole training set for the curves.
 * The paper gives no learning rates or batch size for CIFAR-10; these are the MNIST ones.
 * On wasm (one core) this is weeks of compute: the curves alone are 400 passes over 50,000.
 */
export const CIFAR_FULL: Omit<CifarConfig, 'preset'> = {
  scenarios: ['subsets', 'curves'],
  models: CIFAR_MODELS,
  sizes: [50, 100, 500, 5000],
  seeds: 5,
  epochs: 100,
  curvePerClass: 5000,
  curveEpochs: 400,
  curveEvalEpochs: [1, 2, 5, 10, 20, 50, 100, 200, 300, 400],
  gridEpochs: [1, 10, 100, 400],
  testFraction: 0.1,
  testEpochs: 100,
  batchSize: 32,
  learningRate: 1e-3,
  weightDecay: 1e-5,
  rowLearningRate: 0.01,
  rowMomentum: 0.9,
  gridImages: 8,
  seed: 0,
};

/** `--quick`: every model, scenario and output end to end in about a minute (CI). */
export const CIFAR_QUICK: Omit<CifarConfig, 'preset'> = {
  ...CIFAR_FULL,
  sizes: [5],
  seeds: 2,
  epochs: 3,
  curvePerClass: 5,
  curveEpochs: 4,
  curveEvalEpochs: [1, 2, 4],
  gridEpochs: [1, 4],
  testFraction: 0.01,
  testEpochs: 5,
};

function listFlag(value: unknown, allowed: readonly string[], flag: string): string[] | undefined {
  if (value === undefined) return undefined;
  const items = String(value).split(',').map((s) => s.trim());
  for (const item of items) {
    if (!allowed.includes(item)) {
      throw new BadFlagError(`encoderless cifar: unknown ${flag} '${item}'; expected ${allowed.join(', ')} (comma-separated)`);
    }
  }
  return [...new Set(items)];
}

/** Flags → config: preset, then overrides. `--epochs` sets both the subset and the curve epochs. */
export function resolveCifarConfig(flags: ParsedFlags): CifarConfig {
  const {name, preset} = choosePreset(flags, {full: CIFAR_FULL, quick: CIFAR_QUICK}, 'cifar');
  const positive = (flag: string) => {
    const v = flags[flag] as number | undefined;
    if (v !== undefined && v <= 0) throw new BadFlagError(`encoderless cifar: --${flag} must be positive, got ${v}`);
    return v;
  };
  const epochs = positive('epochs');
  const seeds = positive('seeds');
  const curvePerClass = positive('curve-size');
  const testEpochs = positive('test-epochs');
  const testFraction = positive('test-fraction');
  if (testFraction !== undefined && testFraction > 1) {
    throw new BadFlagError(`encoderless cifar: --test-fraction must be in (0, 1], got ${testFraction}`);
  }
  const scenarios = listFlag(flags.scenario, CIFAR_SCENARIOS, 'scenario') as CifarScenario[] | undefined;
  const models = listFlag(flags.models, CIFAR_MODELS, 'model') as CifarModelName[] | undefined;
  const sizes = (flags.sizes as number[] | undefined) ?? preset.sizes;
  const curveEpochs = epochs ?? preset.curveEpochs;
  const upTo = (list: readonly number[]) => [...new Set([...list.filter((e) => e < curveEpochs), curveEpochs])];
  return {
    preset: name,
    ...preset,
    ...(scenarios ? {scenarios: CIFAR_SCENARIOS.filter((s) => scenarios.includes(s))} : {}),
    ...(models ? {models: CIFAR_MODELS.filter((m) => models.includes(m))} : {}),
    sizes: [...new Set(sizes)].sort((a, b) => a - b),
    ...(seeds !== undefined ? {seeds} : {}),
    ...(epochs !== undefined ? {epochs} : {}),
    ...(curvePerClass !== undefined ? {curvePerClass} : {}),
    ...(testEpochs !== undefined ? {testEpochs} : {}),
    ...(testFraction !== undefined ? {testFraction} : {}),
    curveEpochs,
    curveEvalEpochs: upTo(preset.curveEvalEpochs),
    gridEpochs: upTo(preset.gridEpochs),
    ...(flags.seed !== undefined ? {seed: flags.seed as number} : {}),
  };
}

/** The preset object a config started from. */
export function cifarPreset(config: CifarConfig): object {
  return config.preset === 'quick' ? CIFAR_QUICK : CIFAR_FULL;
}

/** 'decoder_1x1' → {kind: 'decoder', variant: '1x1'}. */
export function splitModelName(model: CifarModelName): {kind: 'decoder' | 'autoencoder'; variant: '1x1' | '4x4'} {
  const [kind, variant] = model.split('_') as ['decoder' | 'autoencoder', '1x1' | '4x4'];
  return {kind, variant};
}
