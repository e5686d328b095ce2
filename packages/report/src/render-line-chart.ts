import {BadReportArgumentError, checkFinite, describe} from './bad-report-argument-error';
import {escapeXml} from './escape-xml';
import {AxisTicks, formatTick, linearTicks, logTicks} from './nice-ticks';

/** One (x, y) sample. A y of null/undefined/NaN (a skipped evaluation, a diverged step) is a gap. */
export type LinePoint = readonly [x: number, y: number | null | undefined];

export interface LineSeries {
  /** Legend text. */
  label: string;
  points: readonly LinePoint[];
  /** Any SVG colour. Default: the next colour of matplotlib's "tab10" palette. */
  color?: string;
  /** Draw a dot at every point. Default: the chart's `markers`. */
  markers?: boolean;
  /** Dashed line, e.g. for a baseline next to the runs. */
  dashed?: boolean;
  /** Draw the line. Default true; false draws the markers alone (a scatter plot). */
  line?: boolean;
  /**
   * A vertical bar per point from low to high (spread over seeds, min–max, a confidence
   * interval), `errorBars[k]` for `points[k]`; null, or a NaN/infinite bound, for none. The
   * axis range includes them.
   */
  errorBars?: readonly (readonly [number, number] | null)[];
}

export type AxisScale = 'linear' | 'log';
export type LegendPlace = 'auto' | 'top-right' | 'top-left' | 'bottom-right' | 'bottom-left' | 'none';

export interface LineChartOptions {
  series: readonly LineSeries[];
  title?: string;
  xLabel?: string;
  yLabel?: string;
  /** Pixels. Default 640. */
  width?: number;
  /** Pixels. Default 400. */
  height?: number;
  /** Default 'linear'. On a log axis, points at x ≤ 0 (step 0, say) are gaps. */
  xScale?: AxisScale;
  /** Default 'linear'. On a log axis, points at y ≤ 0 are gaps. */
  yScale?: AxisScale;
  /** Fixed x range; default: the data's, widened to round ticks. Lines are clipped to it. */
  xDomain?: readonly [number, number];
  /** Fixed y range; default: the data's, widened to round ticks. */
  yDomain?: readonly [number, number];
  /** Dots at every point of every series. Default false (isolated points always get one). */
  markers?: boolean;
  /** Legend corner inside the plot; 'auto' (default) picks the one covering fewest points. */
  legend?: LegendPlace;
  /** Prefix of the SVG ids (the clip path), unique per document when several charts are inlined. Default 'chart'. */
  id?: string;
  /** Radius of the markers in pixels. Default 3. */
  markerRadius?: number;
}

/** matplotlib's tab10: the colours most readers of ML papers already associate with "run 1, 2, 3". */
export const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
const FONT = 'DejaVu Sans, Helvetica, Arial, sans-serif';
const FONT_SIZE = 12;
/** Average glyph width of a sans-serif font as a fraction of its size, to size boxes for text. */
const CHAR_WIDTH = 0.6 * FONT_SIZE;

/** Where the plot area sits inside the chart, in pixels. */
export interface PlotBox {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/**
 * A line chart as a self-contained SVG string: several series with a legend, a title, axis
 * titles, grid lines at round tick values, optional log axes. No external fonts or CSS, so the
 * file renders the same in a browser, an image viewer, GitHub, or a LaTeX `\includesvg`.
 *
 * Pixel mapping (linear): with the plot box [left, right] × [top, bottom] and domain
 * [x0, x1] × [y0, y1], a point lands at
 *   px = left + (x − x0) / (x1 − x0) · (right − left)
 *   py = bottom − (y − y0) / (y1 − y0) · (bottom − top)     (y grows upwards)
 * and on a log axis the same with log10 of everything. The box is 64 px from the left (more
 * for long tick labels), 16 from the right, 48 from the bottom, 36 from the top with a title
 * and 16 without.
 *
 * ```ts
 * const svg = renderLineChart({
 *   title: 'Reconstruction loss', xLabel: 'step', yLabel: 'MSE', yScale: 'log',
 *   series: [{label: 'decoder N=400', points: [[0, 0.9], [100, 0.2], [200, 0.05]]}],
 * });
 * ```
 */
export function renderLineChart(options: LineChartOptions): string {
  const chart = layoutLineChart('renderLineChart', options);
  return wrapSvg(chart.width, chart.height, chart.body);
}

/** The parts `renderLineChart` and `renderChartGrid` share: size and the markup inside `<svg>`. */
export interface ChartMarkup {
  width: number;
  height: number;
  body: string;
  /** The plot area, and the pixel position of every drawable point of each series (for rasterising). */
  box: PlotBox;
  points: Array<Array<[number, number]>>;
  /** Pixel positions of the grid lines. */
  xGrid: number[];
  yGrid: number[];
}

export function wrapSvg(width: number, height: number, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
    `viewBox="0 0 ${width} ${height}" font-family="${FONT}" font-size="${FONT_SIZE}">\n${body}</svg>\n`;
}

/** Validates `options` and lays the chart out; `fn` names the public caller in errors. */
export function layoutLineChart(fn: string, options: LineChartOptions): ChartMarkup {
  if (typeof options !== 'object' || options === null) {
    throw new BadReportArgumentError(`${fn}: options must be an object, got ${describe(options)}`);
  }
  const width = checkFinite(fn, 'width', options.width ?? 640, true);
  const height = checkFinite(fn, 'height', options.height ?? 400, true);
  const xScale = checkScale(fn, 'xScale', options.xScale);
  const yScale = checkScale(fn, 'yScale', options.yScale);
  const id = options.id ?? 'chart';
  if (typeof id !== 'string' || !/^[A-Za-z][\w-]*$/.test(id)) {
    throw new BadReportArgumentError(`${fn}: id must be letters, digits, '_' or '-', starting with a letter, got ${describe(id)}`);
  }
  const legendPlace = options.legend ?? 'auto';
  if (!['auto', 'top-right', 'top-left', 'bottom-right', 'bottom-left', 'none'].includes(legendPlace)) {
    throw new BadReportArgumentError(
      `${fn}: legend must be 'auto', 'top-right', 'top-left', 'bottom-right', 'bottom-left' or 'none', got ${describe(legendPlace)}`);
  }
  const series = checkSeries(fn, options.series);
  const markerRadius = checkFinite(fn, 'markerRadius', options.markerRadius ?? 3, true);

  // A point is drawable when both coordinates are finite and, on a log axis, positive.
  const usable = (v: number | null | undefined, scale: AxisScale): v is number =>
    typeof v === 'number' && Number.isFinite(v) && (scale === 'linear' || v > 0);
  const xs: number[] = [], ys: number[] = [];
  for (const s of series) {
    s.points.forEach(([x, y], k) => {
      if (usable(x, xScale) && usable(y, yScale)) { xs.push(x); ys.push(y); }
      const bar = s.errorBars?.[k];
      if (bar && usable(x, xScale)) ys.push(...bar.filter((v) => usable(v, yScale)));
    });
  }

  const titleSpace = options.title ? 36 : 16;
  const plotHeight = height - titleSpace - 48;
  const yAxis = makeAxis(fn, 'yDomain', options.yDomain, ys, yScale, Math.max(2, Math.round(plotHeight / 70)));
  const yLabels = yAxis.ticks.map(formatTick);
  // Room for the longest y tick label plus the rotated y title.
  const left = Math.max(64, Math.ceil(34 + Math.max(0, ...yLabels.map((t) => t.length)) * CHAR_WIDTH));
  const box: PlotBox = {left, top: titleSpace, right: width - 16, bottom: height - 48};
  const xAxis = makeAxis(fn, 'xDomain', options.xDomain, xs, xScale, Math.max(2, Math.round((box.right - box.left) / 120)));

  const toPixel = (v: number, axis: AxisTicks, scale: AxisScale, from: number, to: number) => {
    const f = scale === 'log'
      ? (Math.log10(v) - Math.log10(axis.min)) / (Math.log10(axis.max) - Math.log10(axis.min))
      : (v - axis.min) / (axis.max - axis.min);
    return from + f * (to - from);
  };
  const px = (x: number) => toPixel(x, xAxis, xScale, box.left, box.right);
  const py = (y: number) => toPixel(y, yAxis, yScale, box.bottom, box.top);

  const parts: string[] = [];
  parts.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  // The clip keeps data outside a fixed domain off the axes, but reaches 4 px past the frame:
  // round ticks often put the first and last points on the frame (step 0 at x = 0), and a
  // tight clip would cut their markers and the line's width in half.
  parts.push(`<clipPath id="${id}-plot"><rect x="${n(box.left - 4)}" y="${n(box.top - 4)}" ` +
    `width="${n(box.right - box.left + 8)}" height="${n(box.bottom - box.top + 8)}"/></clipPath>`);
  if (options.title) {
    parts.push(`<text class="title" x="${n(width / 2)}" y="24" text-anchor="middle" font-size="15" ` +
      `font-weight="bold">${escapeXml(options.title)}</text>`);
  }

  // Grid lines and tick labels.
  const grid: string[] = [];
  xAxis.ticks.forEach((t) => {
    const x = n(px(t));
    grid.push(`<line x1="${x}" y1="${n(box.top)}" x2="${x}" y2="${n(box.bottom)}" stroke="#e6e6e6"/>`);
    grid.push(`<text class="x-tick" x="${x}" y="${n(box.bottom + 16)}" text-anchor="middle" fill="#333333">${escapeXml(formatTick(t))}</text>`);
  });
  yAxis.ticks.forEach((t, i) => {
    const y = n(py(t));
    grid.push(`<line x1="${n(box.left)}" y1="${y}" x2="${n(box.right)}" y2="${y}" stroke="#e6e6e6"/>`);
    grid.push(`<text class="y-tick" x="${n(box.left - 6)}" y="${y}" dy="0.32em" text-anchor="end" fill="#333333">${escapeXml(yLabels[i])}</text>`);
  });
  parts.push(`<g class="grid">${grid.join('')}</g>`);
  parts.push(`<rect class="frame" x="${n(box.left)}" y="${n(box.top)}" width="${n(box.right - box.left)}" ` +
    `height="${n(box.bottom - box.top)}" fill="none" stroke="#888888"/>`);
  if (options.xLabel) {
    parts.push(`<text class="x-label" x="${n((box.left + box.right) / 2)}" y="${n(height - 12)}" ` +
      `text-anchor="middle">${escapeXml(options.xLabel)}</text>`);
  }
  if (options.yLabel) {
    const cy = n((box.top + box.bottom) / 2);
    parts.push(`<text class="y-label" x="16" y="${cy}" transform="rotate(-90 16 ${cy})" ` +
      `text-anchor="middle">${escapeXml(options.yLabel)}</text>`);
  }

  // Series: one <path> each, a new "M" after every gap so missing points break the line
  // instead of drawing a straight segment across them.
  const mapped: Array<Array<[number, number]>> = [];
  const pointsBySeries: Array<Array<[number, number]>> = [];
  const lines: string[] = [];
  series.forEach((s, i) => {
    const color = escapeXml(s.color ?? PALETTE[i % PALETTE.length]);
    const runs: Array<Array<[number, number]>> = [];
    let run: Array<[number, number]> = [];
    for (const [x, y] of s.points) {
      if (usable(x, xScale) && usable(y, yScale)) {
        run.push([px(x), py(y)]);
      } else if (run.length > 0) {
        runs.push(run);
        run = [];
      }
    }
    if (run.length > 0) runs.push(run);
    pointsBySeries.push(runs.flat());
    const drawLine = s.line ?? true;
    if (drawLine) mapped.push(...runs);
    else mapped.push(...runs.flat().map((p) => [p]));
    const d = runs.map((r) => r.map(([x, y], k) => `${k === 0 ? 'M' : 'L'}${n(x)} ${n(y)}`).join(' ')).join(' ');
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    const bars = (s.errorBars ?? []).flatMap((bar, k) => {
      const x = s.points[k]?.[0];
      if (!bar || !usable(x, xScale) || !usable(bar[0], yScale) || !usable(bar[1], yScale)) return [];
      const [cx, lo, hi] = [n(px(x)), n(py(bar[0])), n(py(bar[1]))];
      return [`M${cx} ${lo} L${cx} ${hi} M${n(px(x) - 4)} ${lo} L${n(px(x) + 4)} ${lo} M${n(px(x) - 4)} ${hi} L${n(px(x) + 4)} ${hi}`];
    });
    if (bars.length > 0) {
      lines.push(`<path class="error-bars" data-series="${i}" d="${bars.join(' ')}" fill="none" stroke="${color}" stroke-width="1.5"/>`);
    }
    if (drawLine) {
      lines.push(`<path class="series" data-series="${i}" d="${d}" fill="none" stroke="${color}" ` +
        `stroke-width="2" stroke-linejoin="round" stroke-linecap="round"${dash}/>`);
    }
    // A point with no neighbour draws no line at all, so it always gets a marker.
    const wantMarkers = !drawLine || (s.markers ?? options.markers ?? false);
    const dots = runs.flatMap((r) => wantMarkers || r.length === 1 ? r : []);
    if (dots.length > 0) {
      lines.push(`<g class="markers" data-series="${i}" fill="${color}"${drawLine ? '' : ' fill-opacity="0.75"'}>` +
        dots.map(([x, y]) => `<circle cx="${n(x)}" cy="${n(y)}" r="${n(markerRadius)}"/>`).join('') + '</g>');
    }
  });
  parts.push(`<g clip-path="url(#${id}-plot)">${lines.join('')}</g>`);

  if (legendPlace !== 'none' && series.length > 0) {
    parts.push(renderLegend(series, box, legendPlace, mapped));
  }
  return {
    width, height, body: parts.map((p) => `${p}\n`).join(''), box, points: pointsBySeries,
    xGrid: xAxis.ticks.map((t) => px(t)), yGrid: yAxis.ticks.map((t) => py(t)),
  };
}

function renderLegend(series: LineSeries[], box: PlotBox, place: Exclude<LegendPlace, 'none'>, mapped: Array<Array<[number, number]>>): string {
  const rowHeight = 18;
  const w = Math.ceil(8 + 24 + 6 + Math.max(...series.map((s) => s.label.length)) * CHAR_WIDTH + 8);
  const h = 8 + series.length * rowHeight;
  const inset = 8;
  const corners: Record<Exclude<LegendPlace, 'auto' | 'none'>, [number, number]> = {
    'top-right': [box.right - inset - w, box.top + inset],
    'top-left': [box.left + inset, box.top + inset],
    'bottom-right': [box.right - inset - w, box.bottom - inset - h],
    'bottom-left': [box.left + inset, box.bottom - inset - h],
  };
  let corner: [number, number];
  if (place === 'auto') {
    // matplotlib's "best", simplified: the corner whose box covers the fewest drawn points;
    // ties go to the first in this order, top-right being where readers look for a legend.
    // Lines count, not only their points (two far-apart points can draw a line right through
    // a corner), so segments are sampled every few pixels; the box is grown by the inset so a
    // line along the frame also counts.
    const samples = sampleLines(mapped, 4);
    let best = Infinity;
    corner = corners['top-right'];
    for (const [x0, y0] of Object.values(corners)) {
      const covered = samples.filter(([x, y]) =>
        x >= x0 - inset && x <= x0 + w + inset && y >= y0 - inset && y <= y0 + h + inset).length;
      if (covered < best) { best = covered; corner = [x0, y0]; }
    }
  } else {
    corner = corners[place];
  }
  const [x0, y0] = corner;
  const rows = series.map((s, i) => {
    const color = escapeXml(s.color ?? PALETTE[i % PALETTE.length]);
    const y = y0 + 4 + rowHeight * i + rowHeight / 2;
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    const swatch = s.line === false
      ? `<circle cx="${n(x0 + 20)}" cy="${n(y)}" r="4" fill="${color}"/>`
      : `<line x1="${n(x0 + 8)}" y1="${n(y)}" x2="${n(x0 + 32)}" y2="${n(y)}" stroke="${color}" stroke-width="2"${dash}/>`;
    return swatch +
      `<text x="${n(x0 + 38)}" y="${n(y)}" dy="0.32em">${escapeXml(s.label)}</text>`;
  });
  return `<g class="legend"><rect x="${n(x0)}" y="${n(y0)}" width="${w}" height="${h}" fill="#ffffff" ` +
    `fill-opacity="0.85" stroke="#cccccc"/>${rows.join('')}</g>`;
}

/** Points along every run of every series, about `step` pixels apart. */
function sampleLines(runs: Array<Array<[number, number]>>, step: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const run of runs) {
    run.forEach(([x, y], k) => {
      out.push([x, y]);
      if (k === 0) return;
      const [x0, y0] = run[k - 1];
      const parts = Math.min(1000, Math.ceil(Math.hypot(x - x0, y - y0) / step));
      for (let j = 1; j < parts; j++) out.push([x0 + (x - x0) * j / parts, y0 + (y - y0) * j / parts]);
    });
  }
  return out;
}

function makeAxis(fn: string, arg: string, domain: readonly [number, number] | undefined, values: number[],
  scale: AxisScale, count: number): AxisTicks {
  if (domain !== undefined) {
    const ok = Array.isArray(domain) && domain.length === 2 && domain.every((v) => typeof v === 'number' && Number.isFinite(v)) &&
      domain[0] < domain[1] && (scale === 'linear' || domain[0] > 0);
    if (!ok) {
      const expected = scale === 'log' ? '[min, max] with 0 < min < max' : '[min, max] of finite numbers with min < max';
      throw new BadReportArgumentError(`${fn}: ${arg} must be ${expected}, got ${describe(domain)}` +
        (Array.isArray(domain) ? ` [${domain.join(', ')}]` : ''));
    }
    return scale === 'log' ? logTicks(domain[0], domain[1], true) : linearTicks(domain[0], domain[1], count, true);
  }
  // No drawable point: show an empty unit range rather than fail, so a run that has not
  // logged anything yet still gets its (empty) figure.
  if (values.length === 0) return scale === 'log' ? logTicks(1, 10) : linearTicks(0, 1, count);
  let low = Infinity, high = -Infinity;
  for (const v of values) { if (v < low) low = v; if (v > high) high = v; }
  return scale === 'log' ? logTicks(low, high) : linearTicks(low, high, count);
}

function checkScale(fn: string, arg: string, scale: unknown): AxisScale {
  if (scale === undefined) return 'linear';
  if (scale !== 'linear' && scale !== 'log') {
    throw new BadReportArgumentError(`${fn}: ${arg} must be 'linear' or 'log', got ${describe(scale)}`);
  }
  return scale;
}

function checkSeries(fn: string, series: unknown): LineSeries[] {
  if (!Array.isArray(series)) {
    throw new BadReportArgumentError(`${fn}: series must be an array of {label, points}, got ${describe(series)}`);
  }
  series.forEach((s, i) => {
    if (typeof s !== 'object' || s === null || typeof s.label !== 'string') {
      throw new BadReportArgumentError(`${fn}: series[${i}].label must be a string, got ${describe(s?.label)}`);
    }
    if (!Array.isArray(s.points)) {
      throw new BadReportArgumentError(`${fn}: series[${i}].points must be an array of [x, y], got ${describe(s.points)}`);
    }
    s.points.forEach((p: unknown, k: number) => {
      const ok = Array.isArray(p) && p.length === 2 && typeof p[0] === 'number' &&
        (typeof p[1] === 'number' || p[1] === null || p[1] === undefined);
      if (!ok) {
        throw new BadReportArgumentError(
          `${fn}: series[${i}].points[${k}] must be [x: number, y: number | null], got ${describe(p)}`);
      }
    });
    if (s.errorBars !== undefined) {
      if (!Array.isArray(s.errorBars) || s.errorBars.length !== s.points.length) {
        throw new BadReportArgumentError(
          `${fn}: series[${i}].errorBars must be an array of [low, high] or null, one per point (${s.points.length}), ` +
          `got ${describe(s.errorBars)}`);
      }
      s.errorBars.forEach((b: unknown, k: number) => {
        // NaN or infinite bounds (a diverged seed) draw no bar, as NaN points draw no point.
        const ok = b === null || (Array.isArray(b) && b.length === 2 && typeof b[0] === 'number' &&
          typeof b[1] === 'number' && !(b[0] > b[1]));
        if (!ok) {
          throw new BadReportArgumentError(
            `${fn}: series[${i}].errorBars[${k}] must be [low, high] with low ≤ high, or null, got ${describe(b)}`);
        }
      });
    }
  });
  return series;
}

/** Pixel coordinates to two decimals: sub-pixel enough, and keeps the SVG small and diffable. */
function n(v: number): string {
  return String(Math.round(v * 100) / 100);
}
