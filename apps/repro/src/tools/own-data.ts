import {existsSync, readdirSync, statSync} from 'node:fs';
import {open} from 'node:fs/promises';
import {basename, extname, join, resolve} from 'node:path';
import {loadAutoDecoder, type AutoDecoder} from '@encoderless/autodecoder';
import {fileHandler} from '@encoderless/autodecoder/node';
import type {CsvTable, CsvWritable, NpyArray} from '@encoderless/datasets';
import {readCsv, readNpy, writeCsv, writeNpy} from '@encoderless/datasets/node';
import {BadConfigError, BadDataFileError, isUserError} from '@encoderless/errors';
import {onPath} from '../sweep/fs-errors';
import {checkOutputPath} from '../sweep/run-folder';

// What `fit`, `represent` and `decode` share: reading a data file by its extension, the flags
// that say how to read a CSV, and where results may be written without losing anything.

/** How to read a CSV/TSV: the flags `fit` and `represent` take (`--label-columns`, `--delimiter`, `--header`). */
export const CSV_KNOBS = {
  labelColumns: {kind: 'text', help: 'CSV: columns that are ids or labels, not numbers, by header name or 1-based number (comma-separated); kept beside the results'},
  delimiter: {kind: 'text', help: "CSV: the field delimiter (default: guessed from the first line; 'tab' for a tab)"},
  header: {kind: 'choice', choices: ['auto', 'yes', 'no'], help: 'CSV: whether the first line names the columns'},
} as const;

/** `--backend` of the own-data commands (the name goes to useBackend, which names the choices when it is wrong). */
export const BACKEND_KNOB = {kind: 'text', help: 'wasm (default), cpu, node, node-gpu or auto; env ENCODERLESS_BACKEND'} as const;

export interface CsvFlags {
  readonly labelColumns?: readonly string[];
  readonly delimiter?: string;
  readonly header: 'auto' | 'yes' | 'no';
}

/** The CSV flags as parsed by `parseCommandLine`. */
export function csvFlags(flags: Map<string, unknown>): CsvFlags {
  const labels = flags.get('label-columns') as string | undefined;
  const delimiter = flags.get('delimiter') as string | undefined;
  return {
    ...(labels === undefined ? {} : {labelColumns: labels.split(',').map((c) => c.trim()).filter(Boolean)}),
    ...(delimiter === undefined ? {} : {delimiter: delimiter === 'tab' ? '\t' : delimiter}),
    header: (flags.get('header') as CsvFlags['header'] | undefined) ?? 'auto',
  };
}

/** A data file's samples: a CSV/TSV table (with its label columns) or a `.npy` array ([samples, …features]). */
export type DataFile = CsvTable | NpyArray;

/**
 * Read `path` by its extension: `.npy` as an array whose first axis is the samples, anything
 * else as CSV/TSV. A label column given by number (`--label-columns 1`) is taken as such.
 */
export async function readDataFile(path: string, flag: string, csv: CsvFlags): Promise<DataFile> {
  if (!existsSync(path)) {
    throw new BadDataFileError(`${flag} ${path}: no such file (ENOENT); give a .csv, .tsv or .npy file`, path, {option: flag});
  }
  if (statSync(path).isDirectory()) {
    throw new BadDataFileError(`${flag} ${path}: is a folder; give a .csv, .tsv or .npy file`, path, {option: flag});
  }
  if (extname(path).toLowerCase() === '.npy') {
    if (csv.labelColumns) throw new BadConfigError(`--label-columns: ${path} is a .npy array, which has no columns to label`, {option: '--label-columns'});
    return onPath(path, flag, () => readNpy(path));
  }
  const labelColumns = csv.labelColumns?.map((c) => (/^\d+$/.test(c) ? Number(c) : c));
  return onPath(path, flag, () => readCsv(path, {
    header: csv.header === 'auto' ? 'auto' : csv.header === 'yes',
    ...(labelColumns ? {labelColumns} : {}),
    ...(csv.delimiter === undefined ? {} : {delimiter: csv.delimiter}),
  })).catch((err: unknown) => {
    throw toFlagError(err, {labelColumns: '--label-columns', delimiter: '--delimiter', header: '--header'});
  });
}

/**
 * A library error whose `option` is one of `map`'s keys, told with the flag that sets it. The
 * message already names the problem; the flag is what the user can change.
 */
export function toFlagError(err: unknown, map: Readonly<Record<string, string>>): unknown {
  if (!isUserError(err) || err.option === undefined || !(err.option in map)) return err;
  const flag = map[err.option];
  err.message = `${flag}: ${err.message}`;
  return err;
}

/** The names of the columns on a CSV file's first line (for a file of representations: which are labels). */
export async function readHeader(path: string, delimiter: string | undefined): Promise<string[]> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(1 << 20);
    const {bytesRead} = await handle.read(buffer, 0, buffer.length, 0);
    const text = buffer.subarray(0, bytesRead).toString('utf8').replace(/^\uFEFF/, '');
    const line = text.split(/\r?\n/, 1)[0];
    const sep = delimiter ?? (line.includes('\t') ? '\t' : line.includes(';') && !line.includes(',') ? ';' : ',');
    return line.split(sep).map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
  } finally {
    await handle.close();
  }
}

/** The files `fit` writes into its model folder; the only ones it ever replaces there. */
export const MODEL_FOLDER_FILES = ['model.json', 'weights.bin', 'representations.csv', 'map.svg', 'map.png', 'loss.svg', 'report.md', 'fit.json'];

/**
 * Check, before a fit starts, that `out` can take a model: a new or empty folder, or one that
 * holds a model this tool wrote when `overwrite` is set. A folder with other files is refused
 * whatever the flags (nothing the tool did not write is touched). Returns the absolute path.
 */
export async function checkModelFolder(out: string, overwrite: boolean): Promise<string> {
  const dir = await checkOutputPath(out);
  if (!existsSync(dir)) return dir;
  const present = readdirSync(dir);
  if (present.length === 0) return dir;
  const foreign = present.filter((f) => !MODEL_FOLDER_FILES.includes(f));
  if (foreign.length > 0) {
    throw new BadDataFileError(`--out ${out}: the folder holds files encoderless fit did not write (${foreign.slice(0, 5).join(', ')}` +
      `${foreign.length > 5 ? ', …' : ''}); nothing was changed: choose a new or empty folder`, dir, {option: '--out'});
  }
  if (!overwrite) {
    throw new BadDataFileError(`--out ${out}: already holds a fitted model (${present.join(', ')}); nothing was changed: ` +
      'add --overwrite to replace it, or choose another folder', dir, {option: '--out'});
  }
  return dir;
}

/** Refuse to replace an existing result file unless `overwrite`; returns the absolute path. */
export async function checkResultFile(out: string, overwrite: boolean): Promise<string> {
  const path = resolve(out);
  await checkOutputPath(join(path, '..'));
  if (existsSync(path)) {
    if (statSync(path).isDirectory()) throw new BadDataFileError(`--out ${out}: is a folder; give a file name (.csv, .tsv or .npy)`, path, {option: '--out'});
    if (!overwrite) {
      throw new BadDataFileError(`--out ${out}: the file exists; nothing was changed: add --overwrite to replace it, or choose another name`,
        path, {option: '--out'});
    }
  }
  return path;
}

/** Load a model folder written by `encoderless fit` (its model.json and weights.bin). */
export async function loadModelFolder(path: string): Promise<AutoDecoder> {
  if (!existsSync(join(path, 'model.json')) && basename(path) !== 'model.json') {
    throw new BadDataFileError(`MODEL ${path}: no model.json there; give the folder that encoderless fit --out wrote`, path, {option: 'MODEL'});
  }
  return loadAutoDecoder(fileHandler(path));
}

/** Write rows [N][k] with their label columns: `.npy` (shape [N, ...shape]) or CSV/TSV by the extension. */
export async function writeRows(path: string, table: CsvWritable, shape: readonly number[]): Promise<void> {
  await onPath(path, '--out', () => (extname(path).toLowerCase() === '.npy'
    ? writeNpy(path, {data: table.data as Float32Array, shape: [table.rows, ...shape]})
    : writeCsv(path, table)));
}
