import type {CsvWritable} from '@encoderless/datasets';
import {BadDataError} from '@encoderless/errors';

/**
 * Rows (representations or reconstructions) as a table `writeCsv` writes, with the label
 * columns (ids, classes) kept: `columns` names the numeric columns (default `z1`, `z2`, …, the
 * representation's units), `labels` are carried through as they are.
 *
 * ```ts
 * const {representations, labels} = await model.transform(table);
 * await writeCsv('representations.csv', toTable(representations, {labels}));
 * await writeCsv('reconstructions.csv', toTable(model.decode(representations), {labels, columns: model.featureNames}));
 * ```
 */
export function toTable(rows: readonly (readonly number[])[], options: {
  readonly columns?: readonly string[] | null;
  readonly labels?: Readonly<Record<string, readonly string[]>> | null;
} = {}): CsvWritable {
  const cols = rows[0]?.length ?? 0;
  const data = new Float32Array(rows.length * cols);
  rows.forEach((row, i) => {
    if (row.length !== cols) throw new BadDataError(`toTable: row ${i} has ${row.length} values, row 0 has ${cols}`, {option: 'rows'});
    data.set(row, i * cols);
  });
  const columns = options.columns ?? Array.from({length: cols}, (_, j) => `z${j + 1}`);
  return {data, rows: rows.length, cols, columns, ...(options.labels ? {labels: options.labels} : {})};
}
