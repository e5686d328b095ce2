import {BadReportArgumentError, checkInteger, describe} from './bad-report-argument-error';
import {escapeXml} from './escape-xml';
import {layoutLineChart, LineChartOptions, wrapSvg} from './render-line-chart';

export interface ChartGridOptions {
  /** Charts per row. Default: all in one row. */
  columns?: number;
  /** A title over the whole grid. */
  title?: string;
}

/**
 * Several line charts side by side in one SVG file, e.g. loss and accuracy panels of one run,
 * or one panel per data set. Each chart keeps its own size, axes and legend; cells are as
 * large as the largest chart, filled row by row. Each chart's SVG ids get the prefix
 * `<id>-<index>` so the panels' clip paths do not collide.
 *
 * ```ts
 * renderChartGrid([lossChart, accuracyChart], {columns: 2, title: 'MNIST, N=400'});
 * ```
 */
export function renderChartGrid(charts: readonly LineChartOptions[], options: ChartGridOptions = {}): string {
  const fn = 'renderChartGrid';
  if (!Array.isArray(charts) || charts.length === 0) {
    throw new BadReportArgumentError(`${fn}: charts must be a non-empty array of chart options, got ${describe(charts)}`);
  }
  const columns = checkInteger(fn, 'columns', options.columns ?? charts.length);
  const laid = charts.map((chart, i) => layoutLineChart(`${fn}: charts[${i}]`, {...chart, id: `${chart.id ?? 'chart'}-${i}`}));
  const cellWidth = Math.max(...laid.map((c) => c.width));
  const cellHeight = Math.max(...laid.map((c) => c.height));
  const top = options.title ? 36 : 0;
  const rows = Math.ceil(charts.length / columns);
  const width = cellWidth * Math.min(columns, charts.length);
  const height = top + cellHeight * rows;
  const parts = [`<rect width="${width}" height="${height}" fill="#ffffff"/>\n`];
  if (options.title) {
    parts.push(`<text class="grid-title" x="${width / 2}" y="24" text-anchor="middle" font-size="16" ` +
      `font-weight="bold">${escapeXml(options.title)}</text>\n`);
  }
  laid.forEach((chart, i) => {
    const x = (i % columns) * cellWidth;
    const y = top + Math.floor(i / columns) * cellHeight;
    // A nested <svg> gives each chart its own coordinate system, so its layout is unchanged.
    parts.push(`<svg class="panel" x="${x}" y="${y}" width="${chart.width}" height="${chart.height}" ` +
      `viewBox="0 0 ${chart.width} ${chart.height}">\n${chart.body}</svg>\n`);
  });
  return wrapSvg(width, height, parts.join(''));
}
