import {BadConfigError} from './latent-errors';

/**
 * SGD with momentum on the rows (the paper: lr 0.01–0.02, momentum 0.9).
 *
 * `semantics` says what happens to rows that are not in the batch:
 * - `'dense'` (default): exactly PyTorch's `SGD` on a full N×m parameter. Rows outside the
 *   batch get a zero gradient but keep moving on their momentum (and shrink under weight
 *   decay), so each gradient is applied with an effective rate of lr/(1-momentum). This is
 *   what the paper's learning rates were tuned for. Computed lazily: a row is brought up to
 *   date in closed form only when it is next read, so a step costs O(batch), whatever N.
 * - `'sparse'`: only the rows in the batch move (momentum and decay are applied to them alone,
 *   when they are in a batch), like an embedding with sparse gradients.
 */
export interface SgdRowOptimizerConfig {
  readonly kind: 'sgd';
  readonly learningRate: number;
  /** Default 0.9. */
  readonly momentum?: number;
  /** L2 penalty added to the gradient (PyTorch's `weight_decay`). Default 0. */
  readonly weightDecay?: number;
  /** Default `'dense'`. */
  readonly semantics?: 'dense' | 'sparse';
}

/**
 * Adam on the rows, lazily: the moment estimates of a row change only when it is in a batch,
 * and the bias correction uses the global step (torch.optim.SparseAdam's rule). PyTorch's dense
 * Adam has no closed form for the steps a row sits out, so it is not offered.
 */
export interface AdamRowOptimizerConfig {
  readonly kind: 'adam';
  readonly learningRate: number;
  /** Default 0.9. */
  readonly beta1?: number;
  /** Default 0.999. */
  readonly beta2?: number;
  /** Default 1e-8. */
  readonly epsilon?: number;
  /** L2 penalty added to the gradient. Default 0. */
  readonly weightDecay?: number;
}

export type RowOptimizerConfig = SgdRowOptimizerConfig | AdamRowOptimizerConfig;

/** The paper's row optimizer: SGD, lr 0.01, momentum 0.9, dense semantics. */
export const PAPER_ROW_OPTIMIZER: SgdRowOptimizerConfig = {kind: 'sgd', learningRate: 0.01, momentum: 0.9};

/** Fill in defaults and check every number; throws BadConfigError naming the field. */
export function resolveRowOptimizer(config: RowOptimizerConfig, where = 'rowOptimizer'): Required<SgdRowOptimizerConfig> | Required<AdamRowOptimizerConfig> {
  const positive = (name: string, v: number) => {
    if (!(Number.isFinite(v) && v > 0)) {
      throw new BadConfigError(`${where}: ${name} must be a positive number, got ${v}`);
    }
  };
  const unit = (name: string, v: number) => {
    if (!(Number.isFinite(v) && v >= 0 && v < 1)) {
      throw new BadConfigError(`${where}: ${name} must lie in [0, 1), got ${v}`);
    }
  };
  const nonNegative = (name: string, v: number) => {
    if (!(Number.isFinite(v) && v >= 0)) {
      throw new BadConfigError(`${where}: ${name} must be ≥ 0, got ${v}`);
    }
  };
  if (config === null || typeof config !== 'object') {
    throw new BadConfigError(`${where}: expected an optimizer config object, got ${String(config)}`);
  }
  if (config.kind === 'sgd') {
    const c = {momentum: 0.9, weightDecay: 0, semantics: 'dense' as const, ...config};
    positive('learningRate', c.learningRate);
    unit('momentum', c.momentum);
    nonNegative('weightDecay', c.weightDecay);
    if (c.semantics !== 'dense' && c.semantics !== 'sparse') {
      throw new BadConfigError(`${where}: semantics must be 'dense' or 'sparse', got '${String(c.semantics)}'`);
    }
    return c;
  }
  if (config.kind === 'adam') {
    const c = {beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0, ...config};
    positive('learningRate', c.learningRate);
    unit('beta1', c.beta1);
    unit('beta2', c.beta2);
    positive('epsilon', c.epsilon);
    nonNegative('weightDecay', c.weightDecay);
    return c;
  }
  throw new BadConfigError(
    `${where}: unknown optimizer kind '${String((config as {kind?: unknown}).kind)}'; expected 'sgd' or 'adam'`);
}

/**
 * The 2×2 matrix that advances (p, buf) by one SGD-momentum step with zero loss gradient:
 *   buf' = μ·buf + wd·p,   p' = p − lr·buf' = (1 − lr·wd)·p − lr·μ·buf.
 * Returned as [a, b, c, d] for [[a, b], [c, d]] acting on the column (p, buf).
 */
export function idleStepMatrix(lr: number, momentum: number, weightDecay: number): [number, number, number, number] {
  return [1 - lr * weightDecay, -lr * momentum, weightDecay, momentum];
}

/** M^k by repeated squaring, in float64. */
export function matrixPower2(m: readonly [number, number, number, number], k: number): [number, number, number, number] {
  let result: [number, number, number, number] = [1, 0, 0, 1];
  let base: [number, number, number, number] = [m[0], m[1], m[2], m[3]];
  let e = k;
  while (e > 0) {
    if (e & 1) result = mul2(result, base);
    base = mul2(base, base);
    e = Math.floor(e / 2);
  }
  return result;
}

function mul2(x: readonly number[], y: readonly number[]): [number, number, number, number] {
  return [
    x[0] * y[0] + x[1] * y[2], x[0] * y[1] + x[1] * y[3],
    x[2] * y[0] + x[3] * y[2], x[2] * y[1] + x[3] * y[3],
  ];
}
