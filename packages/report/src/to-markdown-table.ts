import {BadReportArgumentError, describe} from './bad-report-argument-error';
import {resolveColumns, TableRow} from './table-columns';

/**
 * How to print the numbers of one column: a Python-style spec (`'.4f'` fixed, `'.2e'`
 * exponent, `'.3g'` significant digits, `'.1%'` percent, `'d'` integer, `','` integer with
 * thousands separators) or a function of the value.
 */
export type NumberFormat = string | ((value: number) => string);

export interface MarkdownTableOptions {
  /** Which columns, in which order. Default: every key, in order of first appearance. */
  columns?: readonly string[];
  /** Per-column number formats. Columns without one print numbers with `String(x)`. */
  format?: Readonly<Record<string, NumberFormat>>;
}

/**
 * Rows as a GitHub-flavoured markdown table, for a README or a run summary a person reads.
 * Columns whose values are all numbers are right-aligned so digits line up; cells are padded
 * so the raw text lines up too. `|` in a cell is escaped and newlines become `<br>`, so one row
 * stays one line. null/undefined print empty; NaN and ±Infinity print as such (a diverged run
 * should be visible in a table, not blank).
 *
 * ```ts
 * toMarkdownTable([{N: 400, loss: 0.01234}], {format: {loss: '.3f'}});
 * // | N   | loss  |
 * // | --: | ----: |
 * // | 400 | 0.012 |
 * ```
 */
export function toMarkdownTable(rows: readonly TableRow[], options: MarkdownTableOptions = {}): string {
  const fn = 'toMarkdownTable';
  const names = resolveColumns(fn, rows, options.columns);
  const formatters = new Map<string, (value: number) => string>();
  for (const [column, spec] of Object.entries(options.format ?? {})) {
    if (!names.includes(column)) {
      throw new BadReportArgumentError(
        `${fn}: format has a key ${describe(column)}, expected one of the columns (${names.join(', ')})`);
    }
    formatters.set(column, compileFormat(fn, `format.${column}`, spec));
  }
  const cells = rows.map((row) => names.map((name) => markdownCell(row[name], formatters.get(name))));
  const numeric = names.map((name) => {
    const values = rows.map((row) => row[name]).filter((v) => v !== null && v !== undefined);
    return values.length > 0 && values.every((v) => typeof v === 'number');
  });
  const header = names.map(escapeCell);
  // Three dashes is the minimum GitHub accepts for a delimiter cell.
  const widths = names.map((_, j) => Math.max(3, header[j].length, ...cells.map((r) => r[j].length)));
  const pad = (text: string, j: number) => numeric[j] ? text.padStart(widths[j]) : text.padEnd(widths[j]);
  const line = (texts: string[]) => `| ${texts.map(pad).join(' | ')} |`;
  const rule = `| ${widths.map((w, j) => numeric[j] ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w)).join(' | ')} |`;
  return `${[line(header), rule, ...cells.map(line)].join('\n')}\n`;
}

function markdownCell(value: unknown, format: ((value: number) => string) | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') {
    return escapeCell(format && Number.isFinite(value) ? format(value) : String(value));
  }
  if (typeof value === 'string') return escapeCell(value);
  if (typeof value === 'object' && !(value instanceof Date)) return escapeCell(JSON.stringify(value) ?? '');
  return escapeCell(value instanceof Date ? value.toISOString() : String(value));
}

function escapeCell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n|\r/g, '<br>');
}

/** Turns a spec like `'.4f'` into a function; throws for a spec it does not know. */
export function compileFormat(fn: string, arg: string, spec: NumberFormat): (value: number) => string {
  if (typeof spec === 'function') return spec;
  const match = typeof spec === 'string' ? /^\.(\d{1,2})([efg%])$|^(d|,)$/.exec(spec) : null;
  if (!match) {
    throw new BadReportArgumentError(
      `${fn}: ${arg} must be a function or one of '.Nf', '.Ne', '.Ng', '.N%', 'd', ',', got ${describe(spec)}`);
  }
  if (match[3] === 'd') return (v) => Math.round(v).toFixed(0);
  if (match[3] === ',') return (v) => Math.round(v).toLocaleString('en-US');
  const digits = Number(match[1]);
  switch (match[2]) {
    case 'f': return (v) => v.toFixed(digits);
    // JavaScript writes 1.5e-3 as "1.50e-3"; Python's "1.50e-03" is no clearer, so keep it.
    case 'e': return (v) => v.toExponential(digits);
    // toPrecision gives "1.20e+5" for big numbers; Number() then String() drops the
    // trailing zeros that Python's 'g' drops too.
    case 'g': return (v) => String(Number(v.toPrecision(Math.max(1, digits))));
    default: return (v) => `${(v * 100).toFixed(digits)}%`;
  }
}
