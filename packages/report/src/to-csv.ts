import {resolveColumns, TableRow} from './table-columns';

/**
 * Rows as CSV text: a header line, one line per row, a newline at the end.
 *
 * - Quoting follows RFC 4180: a field holding a comma, a double quote, CR or LF is wrapped in
 *   double quotes, and its quotes are doubled.
 * - Numbers are printed with `String(x)`, the shortest text that parses back to the same
 *   float64, so a loss read back from the CSV equals the one computed (no `toFixed` rounding).
 * - NaN, null and undefined are empty fields, which pandas and R read as missing.
 * - Lines end in `\n`, not RFC 4180's `\r\n`: the files are diffed in git and read by pandas,
 *   R and spreadsheets, which all accept LF.
 * - Other objects (arrays, nested configs) are written as JSON; Dates as ISO 8601.
 *
 * ```ts
 * toCsv([{step: 1, loss: 0.5}, {step: 2, loss: NaN}]); // 'step,loss\n1,0.5\n2,\n'
 * ```
 *
 * `columns` picks and orders the columns; it defaults to every key, in order of appearance.
 */
export function toCsv(rows: readonly TableRow[], columns?: readonly string[]): string {
  const names = resolveColumns('toCsv', rows, columns);
  const lines = [names.map(quoteField).join(',')];
  for (const row of rows) {
    lines.push(names.map((name) => quoteField(csvValue(row[name]))).join(','));
  }
  return `${lines.join('\n')}\n`;
}

function csvValue(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isNaN(value) ? '' : String(value);
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value instanceof Date) return value.toISOString();
  if (ArrayBuffer.isView(value)) return JSON.stringify(Array.from(value as unknown as ArrayLike<number>));
  return JSON.stringify(value) ?? '';
}

function quoteField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
