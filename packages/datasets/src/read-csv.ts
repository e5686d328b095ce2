import {createReadStream} from 'node:fs';
import {extname} from 'node:path';
import {BadDataFileError} from './bad-data-file-error';
import {checkFileSize, fileSize, resolveMaxBytes} from './file-size-limit';
import {createCsvParser, decodeUtf8, type CsvTable, type ParseCsvOptions} from './parse-csv';

/** Options of `readCsv`: those of `parseCsv` (the path names the file) and a size limit. */
export interface ReadCsvOptions extends Omit<ParseCsvOptions, 'source'> {
  /**
   * The largest file read, in bytes; a larger one is refused before reading. Default
   * `defaultMaxFileBytes()`, an eighth of the machine's memory.
   */
  readonly maxBytes?: number;
}

/**
 * Reads a CSV or TSV file into a float32 matrix plus its label columns, as `parseCsv` does, but
 * streaming: the file is read in 1 MiB chunks and parsed as they come, so its text is never held
 * whole. A `.tsv` or `.tab` file is tab-separated unless `delimiter` says otherwise; other files
 * have their delimiter detected.
 *
 * A file larger than `maxBytes` is refused up front (and a file that grows past it while being
 * read is refused then), with a `BadDataFileError` naming the file, its size and the limit. A
 * missing file, a folder, text that is not UTF-8, and every bad cell are `BadDataFileError`s
 * naming the file (and line and column).
 *
 * ```ts
 * const table = await readCsv('expression.csv', {labelColumns: ['sample']});
 * tf.tensor2d(table.data, [table.rows, table.cols]);
 * table.labels.sample; // the sample ids, one per row
 * ```
 */
export async function readCsv(path: string, options: ReadCsvOptions = {}): Promise<CsvTable> {
  const fn = 'readCsv';
  const maxBytes = resolveMaxBytes(fn, options?.maxBytes);
  const byExtension = ['.tsv', '.tab'].includes(extname(String(path)).toLowerCase()) ? {delimiter: '\t'} : {};
  const parser = createCsvParser(fn, {...byExtension, ...options, source: path}, ['maxBytes']);
  checkFileSize(fn, path, await fileSize(fn, path), maxBytes);
  const decoder = new TextDecoder('utf-8', {fatal: true});
  let read = 0;
  try {
    for await (const chunk of createReadStream(path, {highWaterMark: 1 << 20})) {
      read += (chunk as Buffer).length;
      checkFileSize(fn, path, read, maxBytes);
      parser.push(decodeUtf8(chunk as Buffer, {fn, source: path, decoder, stream: true}));
    }
  } catch (err) {
    if (err instanceof Error && 'code' in err) {
      throw new BadDataFileError(`${fn}: cannot read ${path}: ${err.message}`, path);
    }
    throw err;
  }
  parser.push(decodeUtf8(new Uint8Array(0), {fn, source: path, decoder}));
  return parser.end();
}
