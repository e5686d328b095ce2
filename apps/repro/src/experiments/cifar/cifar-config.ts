import type {ConfigOf, Coupling, Knobs} from '../../flags/knobs';
import {inferenceDefaults, ONE_WEIGHT_RATE, PROTOCOL_KNOBS, SEED_KNOB} from '../../protocol/protocol-knobs';

/** The paper's four CIFAR-10 models (Appendix A): a decoder alone, or an autoencoder, per variant. */
export const CIFAR_MODELS = ['decoder_1x1', 'autoencoder_1x1', 'decoder_4x4', 'autoencoder_4x4'] as const;
export type CifarModelName = (typeof CIFAR_MODELS)[number];

/** Every knob of the CIFAR-10 experiment (paper Section 3.2). Defaults (the `full` preset): the paper's where it gives them. */
export const CIFAR_KNOBS = {
  scenario: {kind: 'choice-list', choices: ['subsets', 'curves'], help: "'subsets' (Figure 3a/c: per size and seed) and/or 'curves' (3b, d–f: per epoch)"},
  models: {kind: 'choice-list', choices: CIFAR_MODELS, help: 'which of the four models'},
  sizes: {kind: 'integer-list', min: 1, help: 'subsets: training images PER CLASS (class-balanced seeded subsets)'},
  seeds: {kind: 'integer', min: 1, max: 10_000, help: 'subsets: repeats with seeds --seed, --seed+1, …; each draws its own subset and inits'},
  epochs: {kind: 'integer', min: 1, max: 1_000_000, help: 'subsets: training epochs'},
  curveSize: {kind: 'integer', min: 1, help: 'curves: training images per class (5,000 is the whole training set)'},
  curveEpochs: {kind: 'integer', min: 1, max: 1_000_000, help: 'curves: training epochs'},
  curveEvalEpochs: {kind: 'integer-list', min: 1, help: 'curves: epochs after which the test loss is measured (the last always is)'},
  gridEpochs: {kind: 'integer-list', min: 1, help: 'curves: epochs whose reconstructions are drawn (Figure 3d–f)'},
  testFraction: {kind: 'number', above: 0, max: 1, help: 'class-balanced fraction of the test split every model is tested on (the paper: a tenth)'},
  ...PROTOCOL_KNOBS,
  gridImages: {kind: 'integer', min: 1, help: 'test images in each reconstruction grid'},
  dataDir: {kind: 'text', help: 'the binary release (folder of .bin files), an image folder with train/<class>/ and test/<class>/, ' +
    'or a .tar.gz of either; default: the binary release, downloaded once and cached'},
  resize: {kind: 'boolean', help: 'image folders: resize images that are not 32×32 (and count them) instead of stopping'},
  skipCorrupt: {kind: 'boolean', help: 'image folders: skip (and count) files that do not decode instead of stopping'},
  seed: SEED_KNOB,
} as const satisfies Knobs;

export type CifarConfig = ConfigOf<typeof CIFAR_KNOBS>;
export type CifarScenario = CifarConfig['scenario'][number];

/**
 * The paper's settings: MSE, Adam with weight decay, rows SGD with momentum, 100 epochs and 5
 * seeds over 50–5,000 images per class, 400 epochs on the whole training set for the curves.
 * The paper gives no learning rates or batch size for CIFAR-10; these are the MNIST ones.
 * On wasm (one core) this is weeks of compute: the curves alone are 400 passes over 50,000.
 */
const FULL: CifarConfig = {
  scenario: ['subsets', 'curves'],
  models: CIFAR_MODELS,
  sizes: [50, 100, 500, 5000],
  seeds: 5,
  epochs: 100,
  curveSize: 5000,
  curveEpochs: 400,
  curveEvalEpochs: [1, 2, 5, 10, 20, 50, 100, 200, 300, 400],
  gridEpochs: [1, 10, 100, 400],
  testFraction: 0.1,
  batchSize: 32,
  learningRate: 1e-3,
  autoencoderLearningRate: 1e-3,
  weightDecay: 1e-5,
  rowLearningRate: 0.01,
  rowMomentum: 0.9,
  inference: inferenceDefaults(100),
  gridImages: 8,
  dataDir: null,
  resize: false,
  skipCorrupt: false,
  seed: 0,
};

/** `--quick`: every model, scenario and output end to end in about a minute (CI). */
const QUICK: CifarConfig = {
  ...FULL,
  sizes: [5],
  seeds: 2,
  epochs: 3,
  curveSize: 5,
  curveEpochs: 4,
  curveEvalEpochs: [1, 2, 4],
  gridEpochs: [1, 4],
  testFraction: 0.01,
  inference: {...FULL.inference, maxSteps: 5},
};

export const CIFAR_PRESETS = {full: FULL, quick: QUICK};

export const CIFAR_COUPLINGS: readonly Coupling[] = [
  {flag: 'epochs', sets: {'curve-epochs': (v: number) => v}, note: 'also sets --curve-epochs unless given'},
  ONE_WEIGHT_RATE,
];

/** The curve's measured and drawn epochs cut to its length, and ending with it. */
export function completeCifarConfig(config: CifarConfig): CifarConfig {
  const upTo = (list: readonly number[]) => [...new Set([...list.filter((e) => e < config.curveEpochs), config.curveEpochs])];
  return {...config, curveEvalEpochs: upTo(config.curveEvalEpochs), gridEpochs: upTo(config.gridEpochs)};
}

/** 'decoder_1x1' → {kind: 'decoder', variant: '1x1'}. */
export function splitModelName(model: CifarModelName): {kind: 'decoder' | 'autoencoder'; variant: '1x1' | '4x4'} {
  const [kind, variant] = model.split('_') as ['decoder' | 'autoencoder', '1x1' | '4x4'];
  return {kind, variant};
}
