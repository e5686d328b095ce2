import {randomBytes} from 'node:crypto';
import {open, rename, unlink} from 'node:fs/promises';
import {dirname} from 'node:path';
import {BadConfigError, describe} from './bad-config-error';
import {checkCsvTable, csvLines, type CsvWritable, type FormatCsvOptions} from './format-csv';
import {makeFolder} from './make-folder';

/**
 * Writes a table as a CSV file (`formatCsv`'s text; a `.tsv` path is tab-separated unless
 * `delimiter` says otherwise), atomically: 10,000 rows at a time into a temporary file beside it,
 * fsynced, then renamed into place, so a crash never leaves half a file and the text is never
 * held whole. The folder is created if needed.
 *
 * ```ts
 * await writeCsv('representations.csv', {data: rows, rows: n, cols: m, columns: ['z1', 'z2'], labels: {id: ids}});
 * ```
 */
export async function writeCsv(path: string, table: CsvWritable, options: FormatCsvOptions = {}): Promise<void> {
  const fn = 'writeCsv';
  if (typeof path !== 'string' || path === '') throw new BadConfigError(`${fn}: path must be a non-empty string, got ${describe(path)}`);
  const resolved = options.delimiter === undefined && /\.(tsv|tab)$/i.test(path) ? {...options, delimiter: '\t'} : options;
  const layout = checkCsvTable(fn, table, resolved); // before a file is touched
  await makeFolder(dirname(path));
  const temp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.partial`;
  const handle = await open(temp, 'w');
  try {
    for (let start = 0; start === 0 || start < table.rows; start += 10_000) {
      await handle.write(csvLines(table, layout, start, Math.min(table.rows, start + 10_000)));
    }
    await handle.sync();
    await handle.close();
    await rename(temp, path);
  } catch (err) {
    await handle.close().catch(() => {});
    await unlink(temp).catch(() => {});
    throw err;
  }
}
