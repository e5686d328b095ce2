import * as tf from '@tensorflow/tfjs-core';
import type {CsvWritable} from '@encoderless/datasets';
import {BadDataError, describe} from '@encoderless/errors';

/**
 * Samples as the fitting functions take them, one sample per row (the first axis):
 * - a `tf.Tensor` [samples, …features] (read, not disposed);
 * - `number[][]`, one array per sample;
 * - a typed array or `number[]` with its shape, `{data, shape}` (an `NpyArray` from `readNpy`);
 * - a row-major matrix `{data, rows, cols}` (a `CsvTable` from `readCsv`, whose `columns`
 *   name the features and whose `labels` are carried through to the results).
 */
export type DataInput =
  | tf.Tensor
  | readonly (readonly number[])[]
  | {readonly data: ArrayLike<number>; readonly shape: readonly number[]}
  | MatrixInput;

/** A row-major matrix, optionally with column names and label columns: a `CsvTable`, or what `writeCsv` takes. */
export type MatrixInput = CsvWritable;

/** Samples as flat float32 values with their shape, plus what a CSV table brought along. */
export interface Samples {
  /** [count, …featureShape], row-major. */
  readonly data: Float32Array;
  readonly count: number;
  readonly featureShape: readonly number[];
  /** Feature names (a CSV header), when given. */
  readonly columns?: readonly string[];
  /** Label columns by name, `count` strings each, when given. */
  readonly labels?: Readonly<Record<string, readonly string[]>>;
}

/** Entries per sample: the product of the feature shape. */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * Reads any `DataInput` into `Samples` (a float32 copy), refusing what cannot be fitted: no
 * samples, a ragged `number[][]`, a shape that does not match the values, NaN or ±Infinity
 * (named by sample and feature). `fn` and `name` name the caller and argument in messages.
 */
export async function toSamples(fn: string, name: string, input: DataInput): Promise<Samples> {
  const read = input instanceof tf.Tensor && !input.isDisposed ? Float32Array.from(await input.data() as ArrayLike<number>) : undefined;
  return samplesFrom(fn, name, input, read);
}

/**
 * `toSamples` without reading a backend: for input that holds its values in JavaScript, or a
 * tensor whose values `tensorValues` holds (read asynchronously by the caller).
 */
export function samplesFrom(fn: string, name: string, input: DataInput, tensorValues?: Float32Array): Samples {
  const where = `${fn}: ${name}`;
  let samples: Samples;
  if (input instanceof tf.Tensor) {
    if (input.isDisposed || tensorValues === undefined) throw new BadDataError(`${where} is a disposed tensor`, {option: name});
    if (input.rank < 2) throw new BadDataError(`${where} must have shape [samples, …features], got [${input.shape}]`, {option: name});
    samples = {data: tensorValues, count: input.shape[0], featureShape: input.shape.slice(1)};
  } else if (Array.isArray(input)) {
    samples = fromRows(where, name, input as readonly (readonly number[])[]);
  } else if (typeof input === 'object' && input !== null && 'data' in input) {
    const values = (input as {data: unknown}).data;
    if (!(ArrayBuffer.isView(values) || Array.isArray(values))) {
      throw new BadDataError(`${where}.data must be a typed array or number[], got ${describe(values)}`, {option: name});
    }
    const data = Float32Array.from(values as ArrayLike<number>);
    if ('shape' in input) {
      const shape = checkShape(where, name, (input as {shape: unknown}).shape);
      if (sizeOf(shape) !== data.length) {
        throw new BadDataError(`${where}: shape [${shape}] holds ${sizeOf(shape)} values, data has ${data.length}`, {option: name});
      }
      samples = {data, count: shape[0], featureShape: shape.slice(1)};
    } else {
      const {rows, cols, columns, labels} = input as MatrixInput;
      checkShape(where, name, [rows, cols]);
      if (rows * cols !== data.length) {
        throw new BadDataError(`${where}: rows ${rows} × cols ${cols} = ${rows * cols} values, data has ${data.length}`, {option: name});
      }
      if (columns !== undefined && columns.length !== cols) {
        throw new BadDataError(`${where}: columns names ${columns.length} columns, the matrix has ${cols}`, {option: name});
      }
      for (const [label, cells] of Object.entries(labels ?? {})) {
        if (cells.length !== rows) {
          throw new BadDataError(`${where}: label column "${label}" has ${cells.length} cells, the matrix ${rows} rows`, {option: name});
        }
      }
      samples = {data, count: rows, featureShape: [cols], ...(columns ? {columns: [...columns]} : {}),
        ...(labels && Object.keys(labels).length > 0 ? {labels} : {})};
    }
  } else {
    throw new BadDataError(`${where} must be a tf.Tensor, number[][], {data, shape} or {data, rows, cols} (a CsvTable), got ${describe(input)}`,
      {option: name});
  }
  if (samples.count === 0) throw new BadDataError(`${where} has no samples`, {option: name});
  if (samples.featureShape.length === 0 || sizeOf(samples.featureShape) === 0) {
    throw new BadDataError(`${where} has no features per sample (shape [${samples.count}, ${samples.featureShape}])`, {option: name});
  }
  const bad = samples.data.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    const size = sizeOf(samples.featureShape);
    throw new BadDataError(`${where}: sample ${Math.floor(bad / size)}, feature ${bad % size} is ${samples.data[bad]}; ` +
      'NaN and ±Infinity cannot be fitted: drop or impute them first', {option: name});
  }
  return samples;
}

function fromRows(where: string, name: string, rows: readonly (readonly number[])[]): Samples {
  const cols = Array.isArray(rows[0]) ? rows[0].length : -1;
  const data = new Float32Array(Math.max(0, rows.length * cols));
  rows.forEach((row, i) => {
    if (!Array.isArray(row)) throw new BadDataError(`${where}[${i}] must be an array of numbers, got ${describe(row)}`, {option: name});
    if (row.length !== cols) throw new BadDataError(`${where}[${i}] has ${row.length} values, ${name}[0] has ${cols}`, {option: name});
    for (let j = 0; j < cols; j++) {
      if (typeof row[j] !== 'number') throw new BadDataError(`${where}[${i}][${j}] must be a number, got ${describe(row[j])}`, {option: name});
      data[i * cols + j] = row[j];
    }
  });
  return {data, count: rows.length, featureShape: [Math.max(cols, 0)]};
}

function checkShape(where: string, name: string, shape: unknown): number[] {
  if (!Array.isArray(shape) || shape.length < 2 || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new BadDataError(`${where}: shape must be [samples, …features] of whole numbers, got ${describe(shape)}` +
      (Array.isArray(shape) ? ` [${shape.join(', ')}]` : ''), {option: name});
  }
  return shape as number[];
}

/** `count` rows of `values` ([count, width] row-major) as `number[][]`. */
export function toRows(values: ArrayLike<number>, count: number, width: number): number[][] {
  const out: number[][] = new Array(count);
  for (let i = 0; i < count; i++) out[i] = Array.from(Array.prototype.slice.call(values, i * width, (i + 1) * width) as number[]);
  return out;
}
