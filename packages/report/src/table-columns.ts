import {BadReportArgumentError, describe} from './bad-report-argument-error';

/** One row of a results table: a column name to a value (number, string, boolean, null …). */
export type TableRow = Readonly<Record<string, unknown>>;

/**
 * The columns of a table, shared by `toCsv` and `toMarkdownTable`. Without `columns`: every key
 * of every row, in order of first appearance (rows of a sweep may differ in which keys they
 * have). With `columns`: those, each checked to be a key of at least one row, since a typo
 * (`'lsos'`) would otherwise give a silently empty column in a paper table.
 */
export function resolveColumns(fn: string, rows: readonly TableRow[], columns?: readonly string[]): string[] {
  if (!Array.isArray(rows)) {
    throw new BadReportArgumentError(`${fn}: rows must be an array of objects, got ${describe(rows)}`);
  }
  const known: string[] = [];
  const seen = new Set<string>();
  rows.forEach((row, i) => {
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      throw new BadReportArgumentError(`${fn}: rows[${i}] must be an object, got ${describe(row)}`);
    }
    for (const key of Object.keys(row)) {
      if (!seen.has(key)) { seen.add(key); known.push(key); }
    }
  });
  if (columns === undefined) return known;
  if (!Array.isArray(columns)) {
    throw new BadReportArgumentError(`${fn}: columns must be an array of strings, got ${describe(columns)}`);
  }
  columns.forEach((column, i) => {
    if (typeof column !== 'string') {
      throw new BadReportArgumentError(`${fn}: columns[${i}] must be a string, got ${describe(column)}`);
    }
    // With no rows there is nothing to check against; a header-only table is a fair result.
    if (rows.length > 0 && !seen.has(column)) {
      throw new BadReportArgumentError(
        `${fn}: columns[${i}] is ${describe(column)}, expected a key of the rows (${known.join(', ')})`);
    }
  });
  return [...columns];
}
