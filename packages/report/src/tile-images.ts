import {BadReportArgumentError, checkFinite, checkInteger, describe} from './bad-report-argument-error';
import type {RawImage} from './encode-png';

export interface ImageGridOptions {
  /**
   * Pixel values in [0, 1] (outside is clipped; NaN is drawn black). Either a list of images,
   * each `[imageHeight, imageWidth, channels]` flattened, or one flat
   * `[count, imageHeight, imageWidth, channels]` array, as `tensor.dataSync()` gives for NHWC.
   */
  images: ReadonlyArray<ArrayLike<number>> | ArrayLike<number>;
  imageHeight: number;
  imageWidth: number;
  /** 1 grey (MNIST), 3 RGB (CIFAR), 4 RGBA. Default 1. */
  channels?: 1 | 3 | 4;
  /** Grid rows. Default: enough for every image at `cols` per row. */
  rows?: number;
  /** Grid columns. Default: `ceil(count / rows)` with `rows`, else `ceil(sqrt(count))`, a square-ish grid. */
  cols?: number;
  /** Pixels between tiles and around the edge, in output pixels. Default 2. */
  padding?: number;
  /** Integer upscaling by pixel repetition: 28-pixel MNIST digits are tiny on a screen. Default 1. */
  scale?: number;
  /**
   * Value in [0, 1] of padding and empty cells. Default 1 (white), so tiles with black
   * backgrounds (MNIST) stay apart; torchvision's `make_grid` default of 0 merges them.
   */
  padValue?: number;
}

/**
 * Tiles images into one grid image, row by row: the pure core of `renderImageGrid` (which makes
 * a PNG of it, in Node), returning 8-bit pixels `[height, width, channels]` with
 *   width  = cols · imageWidth · scale + (cols + 1) · padding
 *   height = rows · imageHeight · scale + (rows + 1) · padding.
 */
export function tileImages(options: ImageGridOptions, fn = 'tileImages'): RawImage {
  if (typeof options !== 'object' || options === null) {
    throw new BadReportArgumentError(`${fn}: options must be an object, got ${describe(options)}`);
  }
  const h = checkInteger(fn, 'imageHeight', options.imageHeight);
  const w = checkInteger(fn, 'imageWidth', options.imageWidth);
  const channels = options.channels ?? 1;
  if (channels !== 1 && channels !== 3 && channels !== 4) {
    throw new BadReportArgumentError(`${fn}: channels must be 1, 3 or 4, got ${describe(channels)}`);
  }
  const padding = checkInteger(fn, 'padding', options.padding ?? 2, 0);
  const scale = checkInteger(fn, 'scale', options.scale ?? 1);
  const padValue = checkFinite(fn, 'padValue', options.padValue ?? 1);
  const images = splitImages(fn, options.images, h * w * channels, `${h}·${w}·${channels}`);
  if (images.length === 0) {
    throw new BadReportArgumentError(`${fn}: images must hold at least one image, got none`);
  }
  const count = images.length;
  const rowsGiven = options.rows === undefined ? undefined : checkInteger(fn, 'rows', options.rows);
  const cols = options.cols === undefined
    ? Math.ceil(rowsGiven === undefined ? Math.sqrt(count) : count / rowsGiven)
    : checkInteger(fn, 'cols', options.cols);
  const rows = rowsGiven ?? Math.ceil(count / cols);
  if (rows * cols < count) {
    throw new BadReportArgumentError(
      `${fn}: rows·cols must fit every image, expected at least ${count} cells, got ${rows}·${cols} = ${rows * cols}`);
  }

  const tileW = w * scale, tileH = h * scale;
  const width = cols * tileW + (cols + 1) * padding;
  const height = rows * tileH + (rows + 1) * padding;
  const data = new Uint8Array(width * height * channels).fill(toByte(padValue));
  images.forEach((image, index) => {
    const left = padding + (index % cols) * (tileW + padding);
    const top = padding + Math.floor(index / cols) * (tileH + padding);
    for (let y = 0; y < tileH; y++) {
      const sourceRow = Math.floor(y / scale) * w;
      const outRow = ((top + y) * width + left) * channels;
      for (let x = 0; x < tileW; x++) {
        const source = (sourceRow + Math.floor(x / scale)) * channels;
        for (let c = 0; c < channels; c++) data[outRow + x * channels + c] = toByte(image[source + c]);
      }
    }
  });
  return {width, height, channels, data};
}

/** The list of images, whether given as a list or as one flat array. */
function splitImages(fn: string, images: unknown, size: number, sizeText: string): ArrayLike<number>[] {
  const isNumbers = (v: unknown): v is ArrayLike<number> =>
    (ArrayBuffer.isView(v) && !(v instanceof DataView)) || (Array.isArray(v) && (v.length === 0 || typeof v[0] === 'number'));
  if (isNumbers(images)) {
    if (images.length % size !== 0) {
      throw new BadReportArgumentError(`${fn}: images has ${images.length} values, expected a multiple of ` +
        `imageHeight·imageWidth·channels = ${sizeText} = ${size}`);
    }
    const list: ArrayLike<number>[] = [];
    for (let start = 0; start < images.length; start += size) {
      list.push(ArrayBuffer.isView(images)
        ? (images as unknown as Float32Array).subarray(start, start + size)
        : Array.prototype.slice.call(images, start, start + size));
    }
    return list;
  }
  if (!Array.isArray(images)) {
    throw new BadReportArgumentError(`${fn}: images must be an array of images or one flat array, got ${describe(images)}`);
  }
  images.forEach((image, i) => {
    if (!isNumbers(image) || image.length !== size) {
      const got = isNumbers(image) ? `${image.length} values` : describe(image);
      throw new BadReportArgumentError(
        `${fn}: images[${i}] must have imageHeight·imageWidth·channels = ${sizeText} = ${size} values, got ${got}`);
    }
  });
  return images;
}

function toByte(v: number): number {
  // NaN compares false both ways and so lands on 0 (black), as documented above.
  return v > 0 ? (v < 1 ? Math.round(v * 255) : 255) : 0;
}
