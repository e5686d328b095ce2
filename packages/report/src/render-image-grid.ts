import {encodePng} from './encode-png';
import {tileImages, type ImageGridOptions} from './tile-images';

/**
 * Images with values in [0, 1] tiled into one PNG, e.g. originals and reconstructions of
 * MNIST or CIFAR-10 side by side. Returns the PNG file's bytes; write them with
 * `writeFileAtomic`.
 *
 * ```ts
 * // 16 MNIST digits and their reconstructions, in two rows of 16, at 2× size.
 * const png = renderImageGrid({images: [...originals, ...reconstructions], imageHeight: 28,
 *   imageWidth: 28, rows: 2, cols: 16, scale: 2});
 * ```
 */
export function renderImageGrid(options: ImageGridOptions): Uint8Array {
  return encodePng(tileImages(options, 'renderImageGrid'));
}
