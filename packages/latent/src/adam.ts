import * as tf from '@tensorflow/tfjs-core';
import {BadConfigError, BadDataError} from './latent-errors';

/** Options for `createAdam`. */
export interface AdamOptions {
  /** Default 1e-3 (the paper's decoder rate). */
  readonly learningRate?: number;
  /** Default 0.9. */
  readonly beta1?: number;
  /** Default 0.999. */
  readonly beta2?: number;
  /** Default 1e-8 (PyTorch's; tfjs' own Adam uses 1e-7). */
  readonly epsilon?: number;
  /** Default 0. */
  readonly weightDecay?: number;
  /**
   * `false` (default): PyTorch's `Adam(weight_decay=…)`, an L2 term added to the gradient,
   * which is what the paper used. `true`: AdamW's decoupled decay, p ← p − lr·wd·p.
   */
  readonly decoupledWeightDecay?: boolean;
}

/** Saved optimizer state: step count and both moments per variable, in variable order. */
export interface AdamState {
  readonly step: number;
  readonly moments: {readonly m: Float32Array; readonly v: Float32Array}[];
}

/**
 * Adam for a fixed list of tf.Variables, with PyTorch's weight decay and savable state.
 * tfjs' `tf.train.adam` has no weight decay and no way to save its slots, hence our own.
 *
 * ```ts
 * const adam = createAdam([w, b], {learningRate: 1e-3, weightDecay: 1e-5});
 * adam.step([gw, gb]); // gradients in the same order
 * ```
 */
export class Adam {
  readonly options: Required<AdamOptions>;
  private readonly variables: readonly tf.Variable[];
  private readonly sizes: number[];
  /**
   * Both moments of every variable in one flat [Σ sizes] slot each: the update then runs as a
   * dozen ops on one long vector instead of a dozen per variable. Each tfjs op costs ~25 µs of
   * bookkeeping whatever its size, which made Adam on the MNIST decoder's six variables ~2 ms,
   * nearly all of it overhead. The arithmetic is the same, element by element.
   */
  private readonly m: tf.Variable | null;
  private readonly v: tf.Variable | null;
  private t = 0;

  constructor(variables: readonly tf.Variable[], options: AdamOptions = {}) {
    this.options = {
      learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0,
      decoupledWeightDecay: false, ...options,
    };
    const o = this.options;
    for (const [name, v, ok] of [
      ['learningRate', o.learningRate, o.learningRate > 0],
      ['beta1', o.beta1, o.beta1 >= 0 && o.beta1 < 1],
      ['beta2', o.beta2, o.beta2 >= 0 && o.beta2 < 1],
      ['epsilon', o.epsilon, o.epsilon > 0],
      ['weightDecay', o.weightDecay, o.weightDecay >= 0],
    ] as const) {
      if (!ok || !Number.isFinite(v)) throw new BadConfigError(`createAdam: ${name} is out of range, got ${v}`);
    }
    this.variables = variables;
    this.sizes = variables.map((x) => x.size);
    const total = this.sizes.reduce((a, b) => a + b, 0);
    // tf.variable keeps the initial tensor's data; dispose the tensor itself, or it leaks.
    const slot = () => {
      const zeros = tf.zeros([total]);
      const v = tf.variable(zeros, false);
      zeros.dispose();
      return v;
    };
    this.m = variables.length ? slot() : null;
    this.v = variables.length ? slot() : null;
  }

  /** Steps taken so far. */
  get step(): number {
    return this.t;
  }

  /** One update with gradients given in the order of the variables. */
  applyGradients(grads: readonly tf.Tensor[]): void {
    if (grads.length !== this.variables.length) {
      throw new BadDataError(`Adam.applyGradients: got ${grads.length} gradients for ${this.variables.length} variables`);
    }
    grads.forEach((g, i) => {
      if (g.size !== this.sizes[i]) {
        throw new BadDataError(`Adam.applyGradients: gradient ${i} has ${g.size} values, its variable [${this.variables[i].shape}] ${this.sizes[i]}`);
      }
    });
    if (grads.length === 0) {
      this.t++;
      return;
    }
    const flat = tf.tidy(() => tf.concat(grads.map((g) => tf.reshape(g, [-1]))));
    try {
      this.applyFlatGradient(flat);
    } finally {
      flat.dispose();
    }
  }

  /**
   * One update with the gradients of all variables flattened and concatenated in their order,
   * [Σ sizes]: what a data-parallel step has at hand after summing.
   */
  applyFlatGradient(grad: tf.Tensor): void {
    const total = this.sizes.reduce((a, b) => a + b, 0);
    if (grad.size !== total) {
      throw new BadDataError(`Adam.applyFlatGradient: got ${grad.size} values for variables of ${total}`);
    }
    this.t++;
    if (!this.m || !this.v) return;
    const {learningRate: lr, beta1, beta2, epsilon, weightDecay: wd, decoupledWeightDecay} = this.options;
    const c1 = 1 - Math.pow(beta1, this.t);
    const c2 = 1 - Math.pow(beta2, this.t);
    const slotM = this.m, slotV = this.v;
    tf.tidy(() => {
      let g = tf.reshape(grad, [total]);
      if (wd > 0 && !decoupledWeightDecay) g = tf.add(g, tf.mul(tf.concat(this.variables.map((p) => tf.reshape(p, [-1]))), wd));
      const m = tf.add(tf.mul(slotM, beta1), tf.mul(g, 1 - beta1));
      const v = tf.add(tf.mul(slotV, beta2), tf.mul(tf.square(g), 1 - beta2));
      slotM.assign(m);
      slotV.assign(v);
      const update = tf.div(tf.mul(m, lr / c1), tf.add(tf.sqrt(tf.div(v, c2)), epsilon));
      const parts = this.variables.length === 1 ? [update] : tf.split(update, this.sizes);
      this.variables.forEach((p, i) => {
        let next = tf.sub(p, tf.reshape(parts[i], p.shape));
        if (wd > 0 && decoupledWeightDecay) next = tf.sub(next, tf.mul(p, lr * wd));
        p.assign(next);
      });
    });
  }

  /** Step count and moments, read asynchronously (so that it works on every backend). */
  async getState(): Promise<AdamState> {
    // The step count and both reads taken now, together: an update queued while they are in
    // flight cannot mix into one snapshot.
    const step = this.t;
    const [m, v] = await Promise.all([this.m?.data(), this.v?.data()]) as [Float32Array | undefined, Float32Array | undefined];
    let offset = 0;
    return {
      step,
      moments: this.sizes.map((size) => {
        const part = {m: m!.slice(offset, offset + size), v: v!.slice(offset, offset + size)};
        offset += size;
        return part;
      }),
    };
  }

  setState(state: AdamState): void {
    if (state.moments.length !== this.variables.length) {
      throw new BadDataError(`Adam.setState: state has ${state.moments.length} variables, optimizer has ${this.variables.length}`);
    }
    state.moments.forEach(({m, v}, i) => {
      if (m.length !== this.sizes[i] || v.length !== this.sizes[i]) {
        throw new BadDataError(`Adam.setState: moments of variable ${i} have ${m.length} (m) and ${v.length} (v) values, expected ${this.sizes[i]}`);
      }
    });
    if (this.m && this.v) {
      const flat = (key: 'm' | 'v') => {
        const out = new Float32Array(this.m!.size);
        let offset = 0;
        for (const part of state.moments) {
          out.set(part[key], offset);
          offset += part[key].length;
        }
        return out;
      };
      tf.tidy(() => {
        this.m!.assign(tf.tensor1d(flat('m')));
        this.v!.assign(tf.tensor1d(flat('v')));
      });
    }
    this.t = state.step;
  }

  dispose(): void {
    this.m?.dispose();
    this.v?.dispose();
  }
}

/** The flat arrays one `adamStepRange` call updates in place, all [Σ sizes] (a run's shared memory). */
export interface FlatAdamSlots {
  readonly params: Float32Array;
  readonly m: Float32Array;
  readonly v: Float32Array;
}

/**
 * Adam step `step` (1-based) on entries [from, to) of flat parameters, moments and gradient, in
 * place: `Adam.applyFlatGradient`'s arithmetic fused into one loop, rounded to float32 after
 * every operation as the tfjs ops are (constants too: tfjs makes float32 scalars of them), so
 * the two give the same numbers. A data-parallel run splits the entries over its threads, so
 * each steps its own part of the weights instead of every thread running a dozen tfjs ops over
 * all of them.
 */
export function adamStepRange(slots: FlatAdamSlots, grad: Float32Array, range: {from: number; to: number},
  step: number, options: Required<AdamOptions>): void {
  const {params, m, v} = slots;
  const {learningRate: lr, beta1, beta2, epsilon, weightDecay: wd, decoupledWeightDecay} = options;
  const f = Math.fround;
  const b1 = f(beta1), a1 = f(1 - beta1), b2 = f(beta2), a2 = f(1 - beta2), eps = f(epsilon);
  const rate = f(lr / (1 - Math.pow(beta1, step))), c2 = f(1 - Math.pow(beta2, step));
  const l2 = !decoupledWeightDecay && wd > 0 ? f(wd) : 0, decay = decoupledWeightDecay && wd > 0 ? f(lr * wd) : 0;
  for (let i = range.from, to = range.to; i < to; i++) {
    const p = params[i];
    const g = l2 === 0 ? grad[i] : f(grad[i] + f(p * l2));
    const mi = f(f(m[i] * b1) + f(g * a1));
    const vi = f(f(v[i] * b2) + f(f(g * g) * a2));
    m[i] = mi;
    v[i] = vi;
    const next = f(p - f(f(mi * rate) / f(f(Math.sqrt(f(vi / c2))) + eps)));
    params[i] = decay === 0 ? next : f(next - f(p * decay));
  }
}

/** A new Adam optimizer over `variables`. */
export function createAdam(variables: readonly tf.Variable[], options: AdamOptions = {}): Adam {
  return new Adam(variables, options);
}
