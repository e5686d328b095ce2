import {BadConfigError, describe} from './bad-config-error';

/**
 * A table to write: a row-major matrix with its column names, and label columns (ids, classes)
 * kept as strings. A `CsvTable` from `parseCsv`/`readCsv` is one.
 */
export interface CsvWritable {
  /** [rows, cols] row-major. */
  readonly data: ArrayLike<number>;
  readonly rows: number;
  readonly cols: number;
  /** Names of the numeric columns. Default `column1`, `column2`, … (1-based, as `parseCsv` names them). */
  readonly columns?: readonly string[];
  /** Label columns by name, `rows` strings each: written first, in this order. */
  readonly labels?: Readonly<Record<string, readonly string[]>>;
}

/** Options of `formatCsv` and `writeCsv`. */
export interface FormatCsvOptions {
  /** One character. Default `','`. */
  readonly delimiter?: string;
}

/**
 * The shortest decimal text that reads back as the same float32: `0.1` rather than the float64
 * `0.10000000149011612`, so a file written from a Float32Array and read by `parseCsv` gives the
 * same numbers back, bit for bit.
 */
export function formatFloat32(v: number): string {
  if (Number.isInteger(v) || !Number.isFinite(v)) return String(v);
  const target = Math.fround(v);
  for (let p = 1; p < 9; p++) {
    const candidate = Number(v.toPrecision(p));
    if (Math.fround(candidate) === target) return String(candidate);
  }
  return String(Number(v.toPrecision(9)));
}

/** What `checkCsvTable` resolves: the delimiter, the column names and the label columns' names. */
export interface CsvLayout {
  readonly delimiter: string;
  readonly columns: readonly string[];
  readonly labelNames: readonly string[];
}

/** Rows `[start, end)` of a checked table as CSV lines, the header first when `start` is 0; each line ends in `\n`. */
export function csvLines(table: CsvWritable, layout: CsvLayout, start: number, end: number): string {
  const {delimiter, columns, labelNames} = layout;
  const quote = (s: string) => (s.includes(delimiter) || /["\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s);
  const lines: string[] = [];
  if (start === 0) lines.push([...labelNames, ...columns].map(quote).join(delimiter));
  for (let i = start; i < end; i++) {
    const cells = labelNames.map((name) => quote(table.labels![name][i]));
    for (let j = 0; j < table.cols; j++) cells.push(formatFloat32(table.data[i * table.cols + j]));
    lines.push(cells.join(delimiter));
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

/**
 * A table as CSV text: a header (label columns first, then the numeric ones), one line per row,
 * numbers as the shortest text that reads back as the same float32, fields quoted per RFC 4180
 * where needed. `parseCsv(formatCsv(t), {labelColumns})` gives `t` back. NaN or ±Infinity, a
 * label column of the wrong length or a column-name count that does not match is a
 * `BadConfigError` naming it.
 *
 * ```ts
 * formatCsv({data: [1, 0.5], rows: 1, cols: 2, columns: ['z1', 'z2'], labels: {id: ['a']}}); // 'id,z1,z2\na,1,0.5\n'
 * ```
 */
export function formatCsv(table: CsvWritable, options: FormatCsvOptions = {}): string {
  return csvLines(table, checkCsvTable('formatCsv', table, options), 0, table.rows);
}

/** Checks a table and options once for `csvLines`; every problem is a `BadConfigError` naming it. */
export function checkCsvTable(fn: string, table: CsvWritable, options: FormatCsvOptions): CsvLayout {
  if (typeof table !== 'object' || table === null) throw new BadConfigError(`${fn}: table must be {data, rows, cols, columns?, labels?}, got ${describe(table)}`);
  const {rows, cols, data} = table;
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
    throw new BadConfigError(`${fn}: rows and cols must be whole numbers, got ${describe(rows)} and ${describe(cols)}`);
  }
  if (!data || data.length !== rows * cols) {
    throw new BadConfigError(`${fn}: data has ${data?.length} values, expected rows ${rows} × cols ${cols} = ${rows * cols}`);
  }
  const delimiter = options.delimiter ?? ',';
  if (typeof delimiter !== 'string' || delimiter.length !== 1 || /["\r\n]/.test(delimiter)) {
    throw new BadConfigError(`${fn}: delimiter must be one character other than a quote or line break, got ${describe(delimiter)}`);
  }
  const columns = table.columns ?? Array.from({length: cols}, (_, j) => `column${j + 1}`);
  if (columns.length !== cols) throw new BadConfigError(`${fn}: columns names ${columns.length} columns, the table has ${cols}`);
  const labelNames = Object.keys(table.labels ?? {});
  for (const name of labelNames) {
    if (table.labels![name].length !== rows) {
      throw new BadConfigError(`${fn}: label column "${name}" has ${table.labels![name].length} cells, the table has ${rows} rows`);
    }
  }
  for (let k = 0; k < data.length; k++) {
    if (!Number.isFinite(data[k])) {
      throw new BadConfigError(`${fn}: row ${Math.floor(k / cols) + 1}, column "${columns[k % cols]}" is ${data[k]}; CSV cells must be finite numbers`);
    }
  }
  return {delimiter, columns, labelNames};
}
