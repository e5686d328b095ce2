/**
 * Load tables as text: aligned plain text for a terminal or a log, or a markdown table for a
 * report. Pure: rows in, one string out.
 */
import {BadLoadArgumentError, describe} from './bad-load-argument-error';
import type {LoadRow} from './load';

/** How to render a load table. */
export interface FormatLoadTableOptions {
  /** 'text' (default): space-aligned columns; 'markdown': a GitHub table. */
  readonly format?: 'text' | 'markdown';
  /** Digits after the decimal point for the loads; default 2. */
  readonly digits?: number;
}

/**
 * A table of N, decoder load and encoder load, one line per row. The encoder column appears
 * when any row has an encoder load (a row without one shows "-"). N is grouped by thousands
 * with commas, the same on every locale.
 *
 * ```ts
 * formatLoadTable([{samples: 4000, decoderLoad: 9.1196, encoderLoad: 0.3104}]);
 * //     N  decoder load  encoder load
 * // 4,000          9.12          0.31
 * ```
 */
export function formatLoadTable(rows: readonly LoadRow[], options: FormatLoadTableOptions = {}): string {
  const fn = 'formatLoadTable';
  const {format = 'text', digits = 2} = options;
  if (format !== 'text' && format !== 'markdown') {
    throw new BadLoadArgumentError(`${fn}: format must be "text" or "markdown", got ${describe(format)}`);
  }
  if (!Number.isInteger(digits) || digits < 0 || digits > 20) {
    throw new BadLoadArgumentError(`${fn}: digits must be an integer in [0, 20], got ${describe(digits)}`);
  }
  if (!Array.isArray(rows)) {
    throw new BadLoadArgumentError(`${fn}: rows must be an array of {samples, decoderLoad, encoderLoad?}, got ${describe(rows)}`);
  }
  rows.forEach((row, i) => checkRow(fn, i, row));
  const withEncoder = rows.some((r) => r.encoderLoad !== undefined);
  const header = withEncoder ? ['N', 'decoder load', 'encoder load'] : ['N', 'decoder load'];
  const body = rows.map((r) => {
    const cells = [groupThousands(r.samples), r.decoderLoad.toFixed(digits)];
    if (withEncoder) cells.push(r.encoderLoad === undefined ? '-' : r.encoderLoad.toFixed(digits));
    return cells;
  });
  if (format === 'markdown') {
    const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
    return [line(header), `|${header.map(() => '---:').join('|')}|`, ...body.map(line)].join('\n');
  }
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((cells) => cells[c].length)));
  const line = (cells: readonly string[]) => cells.map((s, c) => s.padStart(widths[c])).join('  ');
  return [line(header), ...body.map(line)].join('\n');
}

function checkRow(fn: string, i: number, row: unknown): void {
  if (typeof row !== 'object' || row === null) {
    throw new BadLoadArgumentError(`${fn}: rows[${i}] must be an object {samples, decoderLoad, encoderLoad?}, got ${describe(row)}`);
  }
  const {samples, decoderLoad, encoderLoad} = row as LoadRow;
  if (typeof samples !== 'number' || !Number.isSafeInteger(samples) || samples <= 0) {
    throw new BadLoadArgumentError(`${fn}: rows[${i}].samples must be a positive integer, got ${describe(samples)}`);
  }
  for (const [name, v] of [['decoderLoad', decoderLoad], ['encoderLoad', encoderLoad]] as const) {
    if (name === 'encoderLoad' && v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new BadLoadArgumentError(`${fn}: rows[${i}].${name} must be a finite number ≥ 0, got ${describe(v)}`);
    }
  }
}

function groupThousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
