import {encodePng} from './encode-png';
import {scatterPixels, type ScatterChartOptions} from './render-scatter-chart';

/**
 * The scatter plot as PNG bytes (`scatterPixels` encoded): a picture for places that show no
 * SVG. Write it with `writeFileAtomic`.
 *
 * ```ts
 * await writeFileAtomic('out/map.png', renderScatterPng(options));
 * ```
 */
export function renderScatterPng(options: ScatterChartOptions): Uint8Array {
  return encodePng(scatterPixels(options));
}
