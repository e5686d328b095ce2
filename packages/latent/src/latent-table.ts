import * as tf from '@tensorflow/tfjs-core';
import {createRandom} from '@encoderless/random';
import {BadConfigError, BadDataError} from './latent-errors';
import {
  idleStepMatrix, matrixPower2, resolveRowOptimizer, PAPER_ROW_OPTIMIZER,
  type RowOptimizerConfig,
} from './row-optimizer';

/** When the rows take a step: after every batch, or once per epoch with the epoch's gradients summed. */
export type RowSchedule = 'batch' | 'epoch';

/** Options for `createLatentTable`. */
export interface LatentTableOptions {
  /** N: one row per training sample. */
  readonly size: number;
  /** m: the representation's dimension. */
  readonly dim: number;
  /**
   * `'normal'` (default): N(0, initStd²) from `seed`, PyTorch's `nn.Embedding` default with
   * initStd 1. `'zeros'`: every row starts at the origin.
   */
  readonly init?: 'normal' | 'zeros';
  /** Default 1. */
  readonly initStd?: number;
  /** Seed of the initial rows. Default 0. */
  readonly seed?: number;
  /** Default: the paper's SGD, lr 0.01, momentum 0.9, dense semantics. */
  readonly optimizer?: RowOptimizerConfig;
  /** Default `'batch'`. */
  readonly schedule?: RowSchedule;
}

/** Everything a table is, as plain data: what `save` writes and `fromState` reads. */
export interface LatentTableState {
  readonly size: number;
  readonly dim: number;
  readonly optimizer: RowOptimizerConfig;
  readonly schedule: RowSchedule;
  /** Optimizer steps taken so far. */
  readonly step: number;
  /** [size, dim], row-major. */
  readonly values: Float32Array;
  /** SGD: momentum buffers [size, dim]; Adam: first moments. */
  readonly slot1?: Float32Array;
  /** Adam: second moments [size, dim]. */
  readonly slot2?: Float32Array;
  /** SGD dense: the step each row is current at [size]. */
  readonly rowStep?: Float64Array;
}

function checkSize(where: string, name: string, v: number): void {
  if (!(Number.isInteger(v) && v > 0)) {
    throw new BadConfigError(`${where}: ${name} must be a positive integer, got ${v}`);
  }
}

/**
 * An N×m table of free representation vectors, one row per training sample, kept outside the
 * autodiff graph in a Float32Array with per-row optimizer state. A step touches only the rows
 * of its batch, so it costs O(batch·m) whatever N is — a 1,000,000-row table steps as fast as a
 * 1,000-row one.
 *
 * ```ts
 * const table = createLatentTable({size: 1000, dim: 20, seed: 1});
 * const z = table.gather([3, 7]);          // Float32Array [2·20]
 * table.applyGradients([3, 7], gradOfZ);   // one SGD-momentum step on rows 3 and 7
 * ```
 */
export class LatentTable {
  readonly size: number;
  readonly dim: number;
  readonly optimizer: RowOptimizerConfig;
  readonly schedule: RowSchedule;
  private readonly resolved: ReturnType<typeof resolveRowOptimizer>;
  private readonly values: Float32Array;
  private readonly slot1: Float32Array | null;
  private readonly slot2: Float32Array | null;
  private readonly rowStep: Float64Array | null;
  private stepCount: number;
  private readonly idleMatrix: [number, number, number, number] | null;
  private readonly powerCache = new Map<number, [number, number, number, number]>();
  private epochGrad: Float32Array | null = null;
  private readonly epochTouched: number[] = [];
  private epochMark: Uint8Array | null = null;

  constructor(state: LatentTableState) {
    const where = 'LatentTable';
    checkSize(where, 'size', state.size);
    checkSize(where, 'dim', state.dim);
    if (state.schedule !== 'batch' && state.schedule !== 'epoch') {
      throw new BadConfigError(`${where}: schedule must be 'batch' or 'epoch', got '${String(state.schedule)}'`);
    }
    this.size = state.size;
    this.dim = state.dim;
    this.optimizer = state.optimizer;
    this.schedule = state.schedule;
    this.resolved = resolveRowOptimizer(state.optimizer, `${where}: optimizer`);
    const n = state.size * state.dim;
    const expectLength = (name: string, a: {length: number} | undefined, len: number) => {
      if (a === undefined || a.length !== len) {
        throw new BadDataError(`${where}: ${name} has length ${a?.length ?? 'none'}, expected ${len} (size ${state.size} × dim ${state.dim})`);
      }
    };
    expectLength('values', state.values, n);
    this.values = state.values;
    this.stepCount = state.step;
    const r = this.resolved;
    const isDense = r.kind === 'sgd' && r.semantics === 'dense';
    const needsSlot1 = r.kind === 'adam' || r.momentum > 0 || isDense;
    this.slot1 = needsSlot1 ? state.slot1 ?? new Float32Array(n) : null;
    if (this.slot1) expectLength('slot1', this.slot1, n);
    this.slot2 = r.kind === 'adam' ? state.slot2 ?? new Float32Array(n) : null;
    if (this.slot2) expectLength('slot2', this.slot2, n);
    this.rowStep = isDense ? state.rowStep ?? new Float64Array(state.size).fill(state.step) : null;
    if (this.rowStep) expectLength('rowStep', this.rowStep, state.size);
    this.idleMatrix = r.kind === 'sgd' && isDense ? idleStepMatrix(r.learningRate, r.momentum, r.weightDecay) : null;
  }

  /** Optimizer steps taken so far. */
  get step(): number {
    return this.stepCount;
  }

  /** Current values of some rows, as a new Float32Array [indices.length, dim]. */
  gather(indices: ArrayLike<number>): Float32Array {
    const out = new Float32Array(indices.length * this.dim);
    for (let i = 0; i < indices.length; i++) {
      const r = this.checkIndex(indices[i], 'gather');
      this.catchUp(r);
      out.set(this.values.subarray(r * this.dim, (r + 1) * this.dim), i * this.dim);
    }
    return out;
  }

  /** Current values of some rows as a tensor [indices.length, dim]. */
  gatherTensor(indices: ArrayLike<number>): tf.Tensor2D {
    return tf.tensor2d(this.gather(indices), [indices.length, this.dim]);
  }

  /** Overwrite some rows (e.g. a random restart); their optimizer state is reset. */
  setRows(indices: ArrayLike<number>, rows: Float32Array): void {
    if (rows.length !== indices.length * this.dim) {
      throw new BadDataError(`LatentTable.setRows: rows has ${rows.length} values, expected ${indices.length}·${this.dim}`);
    }
    for (let i = 0; i < indices.length; i++) {
      const r = this.checkIndex(indices[i], 'setRows');
      const off = r * this.dim;
      this.values.set(rows.subarray(i * this.dim, (i + 1) * this.dim), off);
      this.slot1?.fill(0, off, off + this.dim);
      this.slot2?.fill(0, off, off + this.dim);
      if (this.rowStep) this.rowStep[r] = this.stepCount;
    }
  }

  /** Every row, brought up to date, as a copy [size, dim]. O(N). */
  snapshot(): Float32Array {
    this.flush();
    return this.values.slice();
  }

  /** Bring every row up to date (dense semantics only move rows lazily). O(N). */
  flush(): void {
    if (!this.rowStep) return;
    for (let r = 0; r < this.size; r++) this.catchUp(r);
  }

  /**
   * Feed the loss gradient of some rows ([indices.length, dim], row-major). Schedule 'batch':
   * one optimizer step now. Schedule 'epoch': summed until `endEpoch()`. A row listed twice
   * gets the sum of its gradients, as a dense parameter would.
   */
  applyGradients(indices: ArrayLike<number>, grads: Float32Array): void {
    if (grads.length !== indices.length * this.dim) {
      throw new BadDataError(
        `LatentTable.applyGradients: grads has ${grads.length} values, expected ${indices.length} rows × ${this.dim}`);
    }
    for (let i = 0; i < grads.length; i++) {
      if (!Number.isFinite(grads[i])) {
        throw new BadDataError(
          `LatentTable.applyGradients: gradient of row ${indices[Math.floor(i / this.dim)]} is ${grads[i]}; ` +
          'the loss diverged (lower the learning rate) or the data holds NaN');
      }
    }
    if (this.schedule === 'epoch') {
      this.accumulate(indices, grads);
      return;
    }
    const {rows, sums} = this.combineDuplicates(indices, grads);
    this.takeStep(rows, sums);
  }

  /** Schedule 'epoch': take the one step with the gradients summed since the last call. No-op for 'batch'. */
  endEpoch(): void {
    if (this.schedule !== 'epoch' || !this.epochGrad || this.epochTouched.length === 0) return;
    const rows = Int32Array.from(this.epochTouched);
    const sums = new Float32Array(rows.length * this.dim);
    for (let i = 0; i < rows.length; i++) {
      const off = rows[i] * this.dim;
      sums.set(this.epochGrad.subarray(off, off + this.dim), i * this.dim);
      this.epochGrad.fill(0, off, off + this.dim);
      this.epochMark![rows[i]] = 0;
    }
    this.epochTouched.length = 0;
    this.takeStep(rows, sums);
  }

  /** The whole table as plain data (rows brought up to date first). Call between epochs. */
  getState(): LatentTableState {
    if (this.epochTouched.length > 0) {
      throw new BadConfigError('LatentTable.getState: gradients of this epoch are pending; call endEpoch() first');
    }
    this.flush();
    return {
      size: this.size, dim: this.dim, optimizer: this.optimizer, schedule: this.schedule,
      step: this.stepCount, values: this.values.slice(),
      ...(this.slot1 ? {slot1: this.slot1.slice()} : {}),
      ...(this.slot2 ? {slot2: this.slot2.slice()} : {}),
      ...(this.rowStep ? {rowStep: this.rowStep.slice()} : {}),
    };
  }

  private checkIndex(r: number, where: string): number {
    if (!(Number.isInteger(r) && r >= 0 && r < this.size)) {
      throw new BadDataError(`LatentTable.${where}: row index ${r} is outside 0 … ${this.size - 1}`);
    }
    return r;
  }

  private accumulate(indices: ArrayLike<number>, grads: Float32Array): void {
    if (!this.epochGrad) {
      this.epochGrad = new Float32Array(this.size * this.dim);
      this.epochMark = new Uint8Array(this.size);
    }
    for (let i = 0; i < indices.length; i++) {
      const r = this.checkIndex(indices[i], 'applyGradients');
      if (!this.epochMark![r]) {
        this.epochMark![r] = 1;
        this.epochTouched.push(r);
      }
      const off = r * this.dim;
      for (let j = 0; j < this.dim; j++) this.epochGrad[off + j] += grads[i * this.dim + j];
    }
  }

  private combineDuplicates(indices: ArrayLike<number>, grads: Float32Array): {rows: Int32Array; sums: Float32Array} {
    const position = new Map<number, number>();
    const rows: number[] = [];
    for (let i = 0; i < indices.length; i++) {
      const r = this.checkIndex(indices[i], 'applyGradients');
      if (!position.has(r)) {
        position.set(r, rows.length);
        rows.push(r);
      }
    }
    if (rows.length === indices.length) return {rows: Int32Array.from(rows), sums: grads};
    const sums = new Float32Array(rows.length * this.dim);
    for (let i = 0; i < indices.length; i++) {
      const p = position.get(indices[i])!;
      for (let j = 0; j < this.dim; j++) sums[p * this.dim + j] += grads[i * this.dim + j];
    }
    return {rows: Int32Array.from(rows), sums};
  }

  /** One optimizer step: rows [k] with their gradients [k, dim]; every other row's gradient is zero. */
  private takeStep(rows: Int32Array, grads: Float32Array): void {
    const r = this.resolved;
    const d = this.dim;
    const p = this.values;
    if (r.kind === 'sgd') {
      const {learningRate: lr, momentum: mu, weightDecay: wd} = r;
      const buf = this.slot1;
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i];
        this.catchUp(row);
        const off = row * d;
        for (let j = 0; j < d; j++) {
          const g = grads[i * d + j] + wd * p[off + j];
          if (buf) {
            const b = mu * buf[off + j] + g;
            buf[off + j] = b;
            p[off + j] -= lr * b;
          } else {
            p[off + j] -= lr * g;
          }
        }
      }
      this.stepCount++;
      if (this.rowStep) for (let i = 0; i < rows.length; i++) this.rowStep[rows[i]] = this.stepCount;
      return;
    }
    const {learningRate: lr, beta1, beta2, epsilon, weightDecay: wd} = r;
    this.stepCount++;
    const c1 = 1 - Math.pow(beta1, this.stepCount);
    const c2 = 1 - Math.pow(beta2, this.stepCount);
    const m1 = this.slot1!, m2 = this.slot2!;
    for (let i = 0; i < rows.length; i++) {
      const off = rows[i] * d;
      for (let j = 0; j < d; j++) {
        const g = grads[i * d + j] + wd * p[off + j];
        const a = beta1 * m1[off + j] + (1 - beta1) * g;
        const b = beta2 * m2[off + j] + (1 - beta2) * g * g;
        m1[off + j] = a;
        m2[off + j] = b;
        p[off + j] -= lr * (a / c1) / (Math.sqrt(b / c2) + epsilon);
      }
    }
  }

  /**
   * Dense semantics: advance a row over the steps it sat out, in closed form. Each idle step
   * is the linear map `idleStepMatrix` on (p, buf), so k of them are its k-th power — O(log k)
   * once per distinct k, then O(dim) per row.
   */
  private catchUp(row: number): void {
    if (!this.rowStep || !this.idleMatrix) return;
    const k = this.stepCount - this.rowStep[row];
    if (k === 0) return;
    let mk = this.powerCache.get(k);
    if (!mk) {
      if (this.powerCache.size > 4096) this.powerCache.clear();
      mk = matrixPower2(this.idleMatrix, k);
      this.powerCache.set(k, mk);
    }
    const [a, b, c, dd] = mk;
    const off = row * this.dim;
    const p = this.values, buf = this.slot1!;
    for (let j = 0; j < this.dim; j++) {
      const pj = p[off + j], bj = buf[off + j];
      p[off + j] = a * pj + b * bj;
      buf[off + j] = c * pj + dd * bj;
    }
    this.rowStep[row] = this.stepCount;
  }
}

/**
 * A new latent table.
 *
 * ```ts
 * const table = createLatentTable({size: 4000, dim: 20, seed: 7,
 *   optimizer: {kind: 'sgd', learningRate: 0.02, momentum: 0.9}});
 * ```
 */
export function createLatentTable(options: LatentTableOptions): LatentTable {
  const where = 'createLatentTable';
  checkSize(where, 'size', options.size);
  checkSize(where, 'dim', options.dim);
  const {init = 'normal', initStd = 1, seed = 0, optimizer = PAPER_ROW_OPTIMIZER, schedule = 'batch'} = options;
  const values = new Float32Array(options.size * options.dim);
  if (init === 'normal') {
    if (!(Number.isFinite(initStd) && initStd >= 0)) {
      throw new BadConfigError(`${where}: initStd must be a number ≥ 0, got ${initStd}`);
    }
    const rng = createRandom(seed);
    for (let i = 0; i < values.length; i++) values[i] = rng.normal(0, initStd);
  } else if (init !== 'zeros') {
    throw new BadConfigError(`${where}: init must be 'normal' or 'zeros', got '${String(init)}'`);
  }
  return new LatentTable({size: options.size, dim: options.dim, optimizer, schedule, step: 0, values});
}
