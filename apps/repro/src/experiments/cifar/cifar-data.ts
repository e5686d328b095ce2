import {createHash} from 'node:crypto';
import {balancedFraction, balancedSubset} from '@encoderless/datasets';
import {loadCifar10, type LabelledImages} from '@encoderless/datasets/node';
import {BadConfigError, BadDataFileError, isUserError} from '@encoderless/errors';
import type {LoadedData} from '../../sweep/experiment';
import type {CifarConfig} from './cifar-config';

/** The data every CIFAR job draws from, loaded once in the main thread. */
export interface CifarShared {
  /** Both splits, whole; pixels in SharedArrayBuffers (`shareImages`), so a worker gets a reference, not 600 MB. */
  readonly train: LabelledImages;
  readonly test: LabelledImages;
  readonly classes: readonly string[];
  /** The class-balanced test fraction, the same for every model and seed. */
  readonly testRows: Int32Array;
  /** The test images of the reconstruction grids. */
  readonly gridRows: Int32Array;
}

/** A copy of a split whose pixels live in a SharedArrayBuffer. */
export function shareImages(set: LabelledImages): LabelledImages {
  const images = new Float32Array(new SharedArrayBuffer(set.images.byteLength));
  images.set(set.images);
  return {images, labels: set.labels, count: set.count, shape: set.shape};
}

/** The loader's options, named as this command's flags: its errors carry the option, we name the flag. */
const FLAG_OF_OPTION: Readonly<Record<string, string>> = {onWrongSize: '--resize', onCorrupt: '--skip-corrupt', dataDir: '--data-dir'};

/** The training rows of one (images per class, seed): class-balanced, nested across sizes for one seed. */
export function cifarTrainRows(labels: LabelledImages['labels'], classes: readonly string[], perClass: number, seed: number, flag: string): Int32Array {
  try {
    return balancedSubset(labels, perClass, seed, {classes});
  } catch (err) {
    if (err instanceof BadConfigError) throw new BadConfigError(`encoderless cifar ${flag} ${perClass}: ${err.message}`, {option: flag, cause: err});
    throw err;
  }
}

/**
 * Load CIFAR-10 (or a user's image folder of the same layout) once, move the pixels into
 * shared memory for the workers, choose the test images, and check every size against the
 * classes there are (so a size too large is refused before anything is written). Test images:
 * a class-balanced seeded fraction for the losses; for the grids the first test images of the
 * binary release (the paper's Figure 3 shows those) or, for an image folder, whose images come
 * class by class, the first image of each class in turn.
 */
export async function loadCifarShared(config: CifarConfig, log: (line: string) => void): Promise<LoadedData<CifarShared>> {
  const dataDir = config.dataDir ?? undefined;
  const data = await loadCifar10({
    dataDir, onWrongSize: config.resize ? 'resize' : 'reject', onCorrupt: config.skipCorrupt ? 'skip' : 'throw', log: (m) => log(`  ${m}`),
  }).catch((err: unknown) => {
    const flag = isUserError(err) && err.option !== undefined ? FLAG_OF_OPTION[err.option] : undefined;
    if (flag === undefined || !(err instanceof BadDataFileError)) throw err;
    const hint = flag === '--resize' ? '--resize resizes such images (and counts them)' : flag === '--skip-corrupt'
      ? '--skip-corrupt skips such files (and counts them)' : 'check --data-dir';
    throw new BadDataFileError(`${err.message} (encoderless cifar: ${hint})`, err.file, {option: flag, cause: err});
  });
  const {classes} = data;
  let testRows: Int32Array;
  try {
    testRows = balancedFraction(data.test.labels, config.testFraction, config.seed, {classes});
  } catch (err) {
    if (err instanceof BadConfigError) throw new BadConfigError(`encoderless cifar --test-fraction ${config.testFraction}: ${err.message}`, {option: '--test-fraction'});
    throw err;
  }
  // Every training subset a job will draw, drawn once here: a size larger than a class fails now.
  if (config.scenario.includes('subsets')) {
    for (const perClass of config.sizes) {
      for (let s = 0; s < config.seeds; s++) cifarTrainRows(data.train.labels, classes, perClass, config.seed + s, '--sizes');
    }
  }
  if (config.scenario.includes('curves')) cifarTrainRows(data.train.labels, classes, config.curveSize, config.seed, '--curve-size');
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
  const hash = createHash('sha256');
  for (const split of [data.train, data.test]) {
    hash.update(new Uint8Array(split.images.buffer, split.images.byteOffset, split.images.byteLength));
    hash.update(new Uint8Array(split.labels.buffer, split.labels.byteOffset, split.labels.byteLength));
  }
  for (const s of data.skipped.slice(0, 10)) log(`  skipped ${s.file}: ${s.reason}`);
  const where = dataDir === undefined ? `the CIFAR-10 binary release (${data.source})` : `${dataDir} (${data.format})`;
  const notes = [
    ...(data.resized.length ? [`${data.resized.length} image(s) resized to 32×32 (--resize)`] : []),
    ...(data.skipped.length ? [`${data.skipped.length} unreadable file(s) skipped (--skip-corrupt)`] : []),
  ];
  const shared: CifarShared = {train: shareImages(data.train), test: shareImages(data.test), classes, testRows, gridRows};
  return {
    shared, bytes: shared.train.images.byteLength + shared.test.images.byteLength,
    identity: {
      sha256: hash.digest('hex'),
      source: `${where}: ${data.train.count} training and ${data.test.count} test images in ${classes.length} classes, testing on ${testRows.length}`,
      notes,
    },
  };
}
