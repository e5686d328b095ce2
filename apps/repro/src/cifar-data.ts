import {BadConfigError, BadDataFileError, balancedFraction, balancedSubset} from '@encoderless/datasets';
import {loadCifar10, type LabelledImages, type LoadedCifar10} from '@encoderless/datasets/node';
import type {CifarConfig} from './cifar-config';
import {cifarEpochCost, shareImages, type CifarJobArgs} from './cifar';
import type {JobSpec} from './job-registry';

/** The data every CIFAR job draws from, loaded once in the main thread. */
export interface CifarInputs {
  readonly train: LabelledImages;
  readonly test: LabelledImages;
  readonly classes: readonly string[];
  readonly format: LoadedCifar10['format'];
  /** A sentence for the report: where the images came from. */
  readonly source: string;
  readonly skipped: LoadedCifar10['skipped'];
  /** The class-balanced test fraction, the same for every model and seed. */
  readonly testRows: Int32Array;
  /** The test images of the reconstruction grids. */
  readonly gridRows: Int32Array;
}

export interface LoadCifarInputsOptions {
  readonly dataDir?: string;
  readonly onWrongSize?: 'resize' | 'reject';
  readonly onCorrupt?: 'throw' | 'skip';
  readonly log: (line: string) => void;
}

/**
 * Load CIFAR-10 (or a user's image folder of the same layout) once, move the pixels into
 * shared memory for the workers, and choose the test images: a class-balanced seeded fraction
 * for the losses, and for the grids the first test images of the binary release (the paper's
 * Figure 3 shows those) or, for an image folder, whose images come class by class, the first
 * image of each class in turn.
 */
export async function loadCifarInputs(config: CifarConfig, options: LoadCifarInputsOptions): Promise<CifarInputs> {
  const data = await loadCifar10({
    dataDir: options.dataDir, onWrongSize: options.onWrongSize, onCorrupt: options.onCorrupt,
    log: (m) => options.log(m),
  }).catch((err: Error) => {
    // The library's message names its options; a command-line user needs the flags.
    if (!(err instanceof BadDataFileError) || options.dataDir === undefined) throw err;
    const hint = /onWrongSize/.test(err.message) ? ' (encoderless cifar: --resize does that)'
      : /decodeImage|cannot read/.test(err.message) ? ' (encoderless cifar: --skip-corrupt skips such files and counts them)' : '';
    throw new BadDataFileError(err.message + hint, err.file);
  });
  const classes = data.classes;
  let testRows: Int32Array;
  try {
    testRows = balancedFraction(data.test.labels, config.testFraction, config.seed, {classes});
  } catch (err) {
    if (err instanceof BadConfigError) throw new BadConfigError(`encoderless cifar --test-fraction ${config.testFraction}: ${err.message}`);
    throw err;
  }
  const count = Math.min(config.gridImages, data.test.count);
  let gridRows: Int32Array;
  if (data.format === 'binary') {
    gridRows = Int32Array.from({length: count}, (_, i) => i);
  } else {
    const byClass = classes.map((_, c) => Array.from(data.test.labels.keys()).filter((i) => data.test.labels[i] === c));
    const picks: number[] = [];
    for (let k = 0; picks.length < count; k++) {
      for (const rows of byClass) if (k < rows.length && picks.length < count) picks.push(rows[k]);
    }
    gridRows = Int32Array.from(picks);
  }
  const where = options.dataDir === undefined ? `the CIFAR-10 binary release (${data.source})` : `${options.dataDir} (${data.format})`;
  return {
    train: shareImages(data.train), test: shareImages(data.test), classes, format: data.format,
    source: where + (data.skipped.length ? `, ${data.skipped.length} unreadable files skipped` : ''),
    skipped: data.skipped, testRows, gridRows,
  };
}

/** The training rows of one (images per class, seed): class-balanced, nested across sizes for one seed. */
function trainRows(inputs: CifarInputs, perClass: number, seed: number, flag: string): Int32Array {
  try {
    return balancedSubset(inputs.train.labels, perClass, seed, {classes: inputs.classes});
  } catch (err) {
    if (err instanceof BadConfigError) throw new BadConfigError(`encoderless cifar ${flag} ${perClass}: ${err.message}`);
    throw err;
  }
}

/**
 * Every job of the chosen scenarios: one per (model, size, seed) and one per model for the
 * curves, which also stands for the subset point it repeats (see `CifarJobArgs.subsetEpoch`).
 */
export function cifarJobs(config: CifarConfig, inputs: CifarInputs): JobSpec[] {
  const jobs: JobSpec[] = [];
  const data = {train: inputs.train, test: inputs.test};
  const common = {config, data, testRows: inputs.testRows, gridRows: inputs.gridRows};
  // The curve run trains on the same images with the same seed as the subset point
  // (curvePerClass, first seed), only longer: it reports that point too instead of a second run.
  const shared = config.scenarios.includes('subsets') && config.scenarios.includes('curves') &&
    config.sizes.includes(config.curvePerClass) && config.curveEpochs >= config.epochs;
  if (config.scenarios.includes('subsets')) {
    for (const perClass of config.sizes) {
      for (let seedIndex = 0; seedIndex < config.seeds; seedIndex++) {
        if (shared && perClass === config.curvePerClass && seedIndex === 0) continue;
        const rows = trainRows(inputs, perClass, config.seed + seedIndex, '--sizes');
        for (const model of config.models) {
          const args: CifarJobArgs = {
            ...common, scenario: 'subsets', model, perClass, seedIndex, epochs: config.epochs, evalEpochs: [],
            gridEpochs: seedIndex === 0 ? [config.epochs] : [], trainRows: rows,
          };
          jobs.push({key: `subsets-${model}-${perClass}pc-seed${config.seed + seedIndex}`, kind: 'cifar', args,
            work: config.epochs * Math.round(rows.length * cifarEpochCost(model))});
        }
      }
    }
  }
  if (config.scenarios.includes('curves')) {
    const rows = trainRows(inputs, config.curvePerClass, config.seed, '--curve-size');
    for (const model of config.models) {
      const args: CifarJobArgs = {
        ...common, scenario: 'curves', model, perClass: config.curvePerClass, seedIndex: 0, epochs: config.curveEpochs,
        evalEpochs: config.curveEvalEpochs, gridEpochs: config.gridEpochs, trainRows: rows,
        ...(shared ? {subsetEpoch: config.epochs} : {}),
      };
      jobs.push({key: `curves-${model}-${config.curvePerClass}pc`, kind: 'cifar', args,
        work: config.curveEpochs * Math.round(rows.length * cifarEpochCost(model))});
    }
  }
  return jobs;
}
