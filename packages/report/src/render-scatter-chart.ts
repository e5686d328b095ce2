import {BadReportArgumentError, describe} from './bad-report-argument-error';
import type {RawImage} from './encode-png';
import {layoutLineChart, PALETTE, renderLineChart, type LegendPlace} from './render-line-chart';

/** One group of points, drawn in one colour with one legend entry (a class, a cluster). */
export interface ScatterSeries {
  label: string;
  points: readonly (readonly [number, number])[];
  /** `#rrggbb`. Default: the next colour of matplotlib's "tab10" palette. */
  color?: string;
}

export interface ScatterChartOptions {
  series: readonly ScatterSeries[];
  title?: string;
  xLabel?: string;
  yLabel?: string;
  /** Pixels. Default 640. */
  width?: number;
  /** Pixels. Default 400. */
  height?: number;
  /** Radius of a point in pixels. Default 2.5. */
  markerRadius?: number;
  /** Default 'auto': the corner covering the fewest points. */
  legend?: LegendPlace;
  /** Prefix of the SVG ids. Default 'scatter'. */
  id?: string;
}

function asLineOptions(fn: string, options: ScatterChartOptions) {
  if (typeof options !== 'object' || options === null || !Array.isArray(options.series)) {
    throw new BadReportArgumentError(`${fn}: options must be {series: [{label, points}], …}, got ${describe(options)}`);
  }
  options.series.forEach((s, i) => {
    if (s?.color !== undefined && !/^#[0-9a-fA-F]{6}$/.test(s.color)) {
      throw new BadReportArgumentError(`${fn}: series[${i}].color must be #rrggbb, got ${describe(s.color)}`);
    }
  });
  return {
    ...options, id: options.id ?? 'scatter', markerRadius: options.markerRadius ?? 2.5,
    series: options.series.map((s) => ({...s, line: false, markers: true})),
  };
}

/**
 * A scatter plot as a self-contained SVG: one colour per series with a legend (dots), title,
 * axis titles, round ticks. The axes and layout are `renderLineChart`'s, points without lines.
 *
 * ```ts
 * renderScatterChart({title: 'Representations', xLabel: 'PC 1', yLabel: 'PC 2',
 *   series: [{label: 'Adelie', points: [[0.1, 2], [0.3, 1.5]]}, {label: 'Gentoo', points: [[3, -1]]}]});
 * ```
 */
export function renderScatterChart(options: ScatterChartOptions): string {
  return renderLineChart(asLineOptions('renderScatterChart', options));
}

/**
 * The scatter plot's pixels, for a PNG: the same size, plot box, grid and point positions as
 * `renderScatterChart`, with points as filled discs in their series' colours on white, the grid
 * in light grey and the frame in grey. No text: the SVG carries the title, axes and legend.
 */
export function scatterPixels(options: ScatterChartOptions): RawImage {
  const fn = 'scatterPixels';
  const line = asLineOptions(fn, options);
  const chart = layoutLineChart(fn, line);
  const {width, height, box} = chart;
  const data = new Uint8Array(width * height * 3).fill(255);
  const set = (x: number, y: number, [r, g, b]: readonly number[], alpha = 1) => {
    if (x < 0 || y < 0 || x >= width || y >= height) return;
    const k = (y * width + x) * 3;
    data[k] = Math.round(data[k] * (1 - alpha) + r * alpha);
    data[k + 1] = Math.round(data[k + 1] * (1 - alpha) + g * alpha);
    data[k + 2] = Math.round(data[k + 2] * (1 - alpha) + b * alpha);
  };
  const [left, top, right, bottom] = [box.left, box.top, box.right, box.bottom].map(Math.round);
  for (const gx of chart.xGrid) for (let y = top; y <= bottom; y++) set(Math.round(gx), y, [230, 230, 230]);
  for (const gy of chart.yGrid) for (let x = left; x <= right; x++) set(x, Math.round(gy), [230, 230, 230]);
  for (let x = left; x <= right; x++) { set(x, top, [136, 136, 136]); set(x, bottom, [136, 136, 136]); }
  for (let y = top; y <= bottom; y++) { set(left, y, [136, 136, 136]); set(right, y, [136, 136, 136]); }
  const radius = line.markerRadius;
  chart.points.forEach((points, i) => {
    const hex = line.series[i].color ?? PALETTE[i % PALETTE.length];
    const rgb = [1, 3, 5].map((k) => parseInt(hex.slice(k, k + 2), 16));
    for (const [cx, cy] of points) {
      for (let y = Math.floor(cy - radius); y <= Math.ceil(cy + radius); y++) {
        for (let x = Math.floor(cx - radius); x <= Math.ceil(cx + radius); x++) {
          // Coverage of the pixel's centre, softened over one pixel at the edge.
          const d = Math.hypot(x + 0.5 - cx, y + 0.5 - cy);
          const coverage = Math.min(1, Math.max(0, radius + 0.5 - d));
          if (coverage > 0) set(x, y, rgb, 0.8 * coverage);
        }
      }
    }
  });
  return {width, height, channels: 3, data};
}
