import {BadDataFileError} from './bad-data-file-error';

/** The ten CIFAR-10 classes in label order (the official batches.meta.txt). */
export const CIFAR10_CLASSES: readonly string[] = [
  'airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck',
];

/** Bytes of one record of the official binary release: 1 label byte + 32·32·3 pixel bytes. */
export const CIFAR10_RECORD_BYTES = 1 + 32 * 32 * 3;

/** Images and labels as plain arrays; `tf.tensor4d(split.images, split.shape)` makes a tensor. */
export interface CifarSplit {
  /** [N, 32, 32, 3] (height, width, RGB), pixel byte / 255 in [0, 1]. */
  readonly images: Float32Array;
  /** [N], class numbers 0…9 (`CIFAR10_CLASSES[label]` names them). */
  readonly labels: Uint8Array;
  /** N. */
  readonly count: number;
  readonly shape: readonly [number, 32, 32, 3];
}

/**
 * One file of the official CIFAR-10 binary release (data_batch_1.bin … data_batch_5.bin,
 * test_batch.bin; Krizhevsky 2009). Each record is 3,073 bytes: a label byte 0…9, then
 * 1,024 red, 1,024 green and 1,024 blue bytes, each plane 32×32 row-major. Planes become
 * interleaved channels, [N, 32, 32, 3] (HWC, what tfjs convolutions take): byte
 * 1 + c·1024 + h·32 + w of record n goes to images[((n·32 + h)·32 + w)·3 + c], divided by 255.
 *
 * Pure; `source` only names the bytes in errors. A length that is not a multiple of 3,073
 * or a label above 9 throws `BadDataFileError` naming the file and the record.
 *
 * ```ts
 * const batch = parseCifarBatch(await readFile('data_batch_1.bin'), 'data_batch_1.bin');
 * batch.shape; // [10000, 32, 32, 3]
 * ```
 */
export function parseCifarBatch(bytes: Uint8Array, source: string): CifarSplit {
  return parseCifarBatches([{bytes, source}]);
}

/** Several batch files as one split, in the given order (the five training batches). */
export function parseCifarBatches(files: readonly {bytes: Uint8Array; source: string}[]): CifarSplit {
  const fn = 'parseCifarBatch';
  let count = 0;
  for (const {bytes, source} of files) {
    if (bytes.length === 0 || bytes.length % CIFAR10_RECORD_BYTES !== 0) {
      const whole = Math.floor(bytes.length / CIFAR10_RECORD_BYTES);
      throw new BadDataFileError(
        `${fn}: ${source} has ${bytes.length} bytes, expected a positive multiple of ${CIFAR10_RECORD_BYTES} ` +
        `(1 label byte + 3,072 pixel bytes per record): record ${whole} is cut short after ` +
        `${bytes.length - whole * CIFAR10_RECORD_BYTES} bytes; the file is truncated or not a CIFAR-10 binary batch`, source);
    }
    count += bytes.length / CIFAR10_RECORD_BYTES;
  }
  const images = new Float32Array(count * 3072);
  const labels = new Uint8Array(count);
  let n = 0;
  for (const {bytes, source} of files) {
    for (let r = 0; r * CIFAR10_RECORD_BYTES < bytes.length; r++, n++) {
      const at = r * CIFAR10_RECORD_BYTES;
      const label = bytes[at];
      if (label > 9) {
        throw new BadDataFileError(
          `${fn}: ${source}: record ${r} (byte ${at}) has label ${label}, expected 0…9: ` +
          'not a CIFAR-10 binary batch (a CIFAR-100 file has 2 label bytes per record)', source);
      }
      labels[n] = label;
      const out = n * 3072;
      for (let c = 0; c < 3; c++) {
        const plane = at + 1 + c * 1024;
        for (let p = 0; p < 1024; p++) images[out + p * 3 + c] = bytes[plane + p] / 255;
      }
    }
  }
  return {images, labels, count, shape: [count, 32, 32, 3]};
}
