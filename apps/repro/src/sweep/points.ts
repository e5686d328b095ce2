import {existsSync, readdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {BadDataFileError} from '@encoderless/errors';
import {writeJsonAtomic} from '@encoderless/report/node';
import {fileSystemError, onPath} from './fs-errors';

/** The first field of every point file: what wrote it, so a folder's own files can be told from others. */
export const POINT_FORMAT = 'encoderless-point/1';

/** A point file: one finished job's records, and which run (settings) made them. */
export interface PointFile<R> {
  readonly format: typeof POINT_FORMAT;
  readonly experiment: string;
  readonly key: string;
  /** The run's hash: a point of other settings is never mixed in. */
  readonly run: string;
  readonly records: readonly R[];
}

export const pointPath = (dir: string, key: string) => join(dir, 'points', `${key}.json`);

/** Write one finished job's records atomically (a killed run loses at most the point in flight). */
export async function writePoint<R>(dir: string, point: Omit<PointFile<R>, 'format'>): Promise<void> {
  const path = pointPath(dir, point.key);
  await onPath(path, '--out', () => writeJsonAtomic(path, {format: POINT_FORMAT, ...point}));
}

/** What is wrong with a value read from a point file, or undefined (the envelope; records by `checkRecord`). */
export function checkPoint(value: unknown, expected: {experiment: string; key: string; run: string},
  checkRecord: (record: unknown) => string | undefined): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return `expected an object with format "${POINT_FORMAT}", got ${Array.isArray(value) ? `an array of length ${value.length}` : JSON.stringify(value)}`;
  }
  const p = value as Partial<PointFile<unknown>>;
  if (p.format !== POINT_FORMAT) return `expected format "${POINT_FORMAT}", got ${JSON.stringify(p.format)} (not written by this version of encoderless)`;
  if (p.experiment !== expected.experiment || p.key !== expected.key) {
    return `holds point ${JSON.stringify(p.key)} of ${JSON.stringify(p.experiment)}, expected ${expected.key} of ${expected.experiment}`;
  }
  if (p.run !== expected.run) return `was computed with other settings (run ${String(p.run).slice(0, 12)}…, this run is ${expected.run.slice(0, 12)}…)`;
  if (!Array.isArray(p.records) || p.records.length === 0) return 'has no records (expected a non-empty array "records")';
  for (let i = 0; i < p.records.length; i++) {
    const problem = checkRecord(p.records[i]);
    if (problem) return `record ${i}: ${problem}`;
  }
  return undefined;
}

/**
 * The records of a finished point, or undefined if it is not there. A file that is not valid
 * JSON, or fails `checkPoint`, throws `BadDataFileError` naming its path and the fix.
 */
export function readPoint<R>(dir: string, expected: {experiment: string; key: string; run: string},
  checkRecord: (record: unknown) => string | undefined): readonly R[] | undefined {
  const path = pointPath(dir, expected.key);
  if (!existsSync(path)) return undefined;
  let text: string, value: unknown;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw fileSystemError(err, path, '--out');
  }
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new BadDataFileError(`${path}: not valid JSON (${(err as Error).message}); delete it to recompute that point`, path, {cause: err});
  }
  const problem = checkPoint(value, expected, checkRecord);
  if (problem) throw new BadDataFileError(`${path}: not a point of this run: ${problem}; delete it to recompute that point`, path);
  return (value as PointFile<R>).records;
}

/** The point files in a folder that encoderless wrote (by their format field), by key. */
export function listOwnPoints(dir: string): string[] {
  const folder = join(dir, 'points');
  if (!existsSync(folder)) return [];
  return readdirSync(folder).filter((f) => f.endsWith('.json')).filter((f) => {
    try {
      const p = JSON.parse(readFileSync(join(folder, f), 'utf8')) as Partial<PointFile<unknown>>;
      return p.format === POINT_FORMAT && `${p.key}.json` === f;
    } catch {
      return false;
    }
  }).map((f) => f.slice(0, -5));
}

/**
 * A record checker from a tiny schema: fields that must be numbers (or null: JSON's NaN), and
 * fields that must be one of some strings or integers.
 */
export function recordSchema(schema: {
  readonly numbers?: readonly string[];
  readonly integers?: readonly string[];
  readonly choices?: Readonly<Record<string, readonly string[]>>;
  readonly arrays?: readonly string[];
}): (record: unknown) => string | undefined {
  return (record) => {
    if (typeof record !== 'object' || record === null || Array.isArray(record)) return `expected an object, got ${JSON.stringify(record)}`;
    const r = record as Record<string, unknown>;
    for (const f of schema.integers ?? []) if (!Number.isSafeInteger(r[f])) return `${f} is ${JSON.stringify(r[f])}, expected an integer`;
    for (const f of schema.numbers ?? []) if (typeof r[f] !== 'number' && r[f] !== null) return `${f} is ${JSON.stringify(r[f])}, expected a number`;
    for (const [f, allowed] of Object.entries(schema.choices ?? {})) {
      if (!allowed.includes(r[f] as string)) return `${f} is ${JSON.stringify(r[f])}, expected one of ${allowed.join(', ')}`;
    }
    for (const f of schema.arrays ?? []) if (!Array.isArray(r[f])) return `${f} is ${JSON.stringify(r[f])}, expected an array`;
    return undefined;
  };
}
