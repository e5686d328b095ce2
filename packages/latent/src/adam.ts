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
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];
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
    // tf.variable keeps the initial tensor's data; dispose the tensor itself, or it leaks.
    const slot = (x: tf.Variable) => {
      const zeros = tf.zerosLike(x);
      const v = tf.variable(zeros, false);
      zeros.dispose();
      return v;
    };
    this.m = variables.map(slot);
    this.v = variables.map(slot);
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
    this.t++;
    const {learningRate: lr, beta1, beta2, epsilon, weightDecay: wd, decoupledWeightDecay} = this.options;
    const c1 = 1 - Math.pow(beta1, this.t);
    const c2 = 1 - Math.pow(beta2, this.t);
    tf.tidy(() => {
      this.variables.forEach((p, i) => {
        let g = grads[i];
        if (wd > 0 && !decoupledWeightDecay) g = tf.add(g, tf.mul(p, wd));
        const m = tf.add(tf.mul(this.m[i], beta1), tf.mul(g, 1 - beta1));
        const v = tf.add(tf.mul(this.v[i], beta2), tf.mul(tf.square(g), 1 - beta2));
        this.m[i].assign(m);
        this.v[i].assign(v);
        const update = tf.div(tf.mul(m, lr / c1), tf.add(tf.sqrt(tf.div(v, c2)), epsilon));
        let next = tf.sub(p, update);
        if (wd > 0 && decoupledWeightDecay) next = tf.sub(next, tf.mul(p, lr * wd));
        p.assign(next);
      });
    });
  }

  getState(): AdamState {
    return {
      step: this.t,
      moments: this.m.map((m, i) => ({m: m.dataSync() as Float32Array, v: this.v[i].dataSync() as Float32Array})),
    };
  }

  setState(state: AdamState): void {
    if (state.moments.length !== this.variables.length) {
      throw new BadDataError(`Adam.setState: state has ${state.moments.length} variables, optimizer has ${this.variables.length}`);
    }
    state.moments.forEach(({m, v}, i) => {
      if (m.length !== this.m[i].size || v.length !== this.v[i].size) {
        throw new BadDataError(`Adam.setState: moments of variable ${i} have ${m.length} values, expected ${this.m[i].size}`);
      }
      tf.tidy(() => {
        this.m[i].assign(tf.tensor(m, this.m[i].shape));
        this.v[i].assign(tf.tensor(v, this.v[i].shape));
      });
    });
    this.t = state.step;
  }

  dispose(): void {
    this.m.forEach((x) => x.dispose());
    this.v.forEach((x) => x.dispose());
  }
}

/** A new Adam optimizer over `variables`. */
export function createAdam(variables: readonly tf.Variable[], options: AdamOptions = {}): Adam {
  return new Adam(variables, options);
}
