/**
 * The memory the threads of a data-parallel run share, and the two signals that order a step.
 *
 * Thread 0 (the caller's) owns the latent table and hands out the work; threads 1 … T−1 are
 * workers. One step:
 *   1. thread 0 writes the batch's sample indices, the shard bounds and (trainDecoder) the
 *      batch's rows, then signals `go`;
 *   2. every thread computes its shard and writes its loss, its rows' gradients into their
 *      places in the batch, and its weight gradients into its own slot;
 *   3. every thread arrives at the barrier and waits for the rest;
 *   4. (with trained weights) every thread sums, for its own share of the weights, the weight
 *      gradients of all slots in thread order and takes the Adam step on that share of the
 *      shared weights and moments; thread 0 also reads the losses and the rows' gradients;
 *   5. (with trained weights) every thread arrives at the barrier again, then copies the whole
 *      of the shared weights into its own modules' variables (so all copies stay identical);
 *      thread 0 steps the table.
 * The weights and Adam's moments live here, once: the optimizer's work is split over the
 * threads instead of repeated by each (a dozen tfjs ops over every weight cost a thread ~2 ms
 * of a 27 ms MNIST step). The shared weights are written only between the two barriers and
 * read only after the second, which every thread passes before it can reach the next step's
 * first. Weight gradients are double-buffered by the step's parity.
 */

/** What fixes the layout. */
export interface StepLayout {
  readonly threads: number;
  /** The largest batch. */
  readonly batchSize: number;
  /** m for trainDecoder (rows go through the buffers), 0 for trainAutoencoder. */
  readonly rowDim: number;
  /** Trained weights, all variables flattened in order. */
  readonly params: number;
  /** Samples and entries per sample of the training data. */
  readonly samples: number;
  readonly sampleSize: number;
}

/** The shared buffers themselves: what is posted to each worker. */
export interface StepMemory {
  readonly control: SharedArrayBuffer;
  readonly bounds: SharedArrayBuffer;
  readonly indices: SharedArrayBuffer;
  readonly rows: SharedArrayBuffer;
  readonly rowGrads: SharedArrayBuffer;
  readonly losses: SharedArrayBuffer;
  readonly grads: SharedArrayBuffer;
  readonly data: SharedArrayBuffer;
  /** The trained weights [params], flattened in order, and Adam's two moments [2, params]. */
  readonly weights: SharedArrayBuffer;
  readonly moments: SharedArrayBuffer;
}

// Slots of `control`.
const GO = 0;
const ARRIVED = 1;
const GENERATION = 2;
const STOP = 3;
/** 0, or 1 + the thread that failed (its error waits on its message port). */
const FAILED = 4;
/** How long a waiting thread spins before it sleeps (see `pause`). */
const SPIN_MS = 2;

/** Typed views on the shared memory, the same layout in every thread. */
export class StepBuffers {
  readonly layout: StepLayout;
  readonly memory: StepMemory;
  readonly control: Int32Array;
  /** Shard t is samples [bounds[t], bounds[t+1]) of the batch. */
  readonly bounds: Int32Array;
  /** The batch's sample indices. */
  readonly indices: Int32Array;
  /** The batch's rows [batch, m]. */
  readonly rows: Float32Array;
  /** Their gradients [batch, m], each shard writing its own rows. */
  readonly rowGrads: Float32Array;
  /** Each thread's shard loss. */
  readonly losses: Float64Array;
  /** The training data [samples, sampleSize]. */
  readonly data: Float32Array;
  /** The trained weights, Adam's first and second moments: [params] each. */
  readonly weights: Float32Array;
  readonly m: Float32Array;
  readonly v: Float32Array;
  private readonly gradsAll: Float32Array;

  constructor(layout: StepLayout, memory: StepMemory) {
    this.layout = layout;
    this.memory = memory;
    this.control = new Int32Array(memory.control);
    this.bounds = new Int32Array(memory.bounds);
    this.indices = new Int32Array(memory.indices);
    this.rows = new Float32Array(memory.rows);
    this.rowGrads = new Float32Array(memory.rowGrads);
    this.losses = new Float64Array(memory.losses);
    this.gradsAll = new Float32Array(memory.grads);
    this.data = new Float32Array(memory.data);
    this.weights = new Float32Array(memory.weights);
    this.m = new Float32Array(memory.moments, 0, layout.params);
    this.v = new Float32Array(memory.moments, layout.params * 4, layout.params);
  }

  /** Fresh zeroed buffers for `layout`. */
  static allocate(layout: StepLayout): StepBuffers {
    const {threads, batchSize, rowDim, params, samples, sampleSize} = layout;
    const shared = (bytes: number) => new SharedArrayBuffer(Math.max(bytes, 8));
    return new StepBuffers(layout, {
      control: shared(8 * 4),
      bounds: shared((threads + 1) * 4),
      indices: shared(batchSize * 4),
      rows: shared(batchSize * rowDim * 4),
      rowGrads: shared(batchSize * rowDim * 4),
      losses: shared(threads * 8),
      grads: shared(2 * threads * params * 4),
      data: shared(samples * sampleSize * 4),
      weights: shared(params * 4),
      moments: shared(2 * params * 4),
    });
  }

  /** Thread `thread`'s weight-gradient slot for a step of this parity. */
  grads(parity: number, thread: number): Float32Array {
    const {params, threads} = this.layout;
    const start = (parity * threads + thread) * params;
    return this.gradsAll.subarray(start, start + params);
  }

  /** out[i] = Σ_t grads(parity, t)[i] for i in [from, to), added in thread order (the same rounding whichever thread sums). */
  sumGrads(parity: number, out: Float32Array, from = 0, to = out.length): Float32Array {
    out.set(this.grads(parity, 0).subarray(from, to), from);
    for (let t = 1; t < this.layout.threads; t++) {
      const g = this.grads(parity, t);
      for (let i = from; i < to; i++) out[i] += g[i];
    }
    return out;
  }

  /** Thread 0: the next step is written; wake the workers. */
  signalGo(): void {
    Atomics.add(this.control, GO, 1);
    Atomics.notify(this.control, GO);
  }

  /**
   * Worker: wait until thread 0 signals a step after the one numbered `seen`; returns the new
   * number, or −1 when the run is over (stopped, or another thread failed).
   */
  waitGo(seen: number): number {
    for (;;) {
      // GO first, then the flags: `stop` and `fail` set a flag before they move GO on, so a
      // thread that sees GO moved also sees why.
      const go = Atomics.load(this.control, GO);
      if (this.ended()) return -1;
      if (go !== seen) return go;
      this.pause(GO, seen);
    }
  }

  /**
   * Wait until all threads have arrived (a sense-reversing barrier: the last to arrive resets
   * the count, then moves the generation on). Returns false instead when the run was stopped or
   * a thread failed, so that nobody waits for a thread that will never come.
   */
  arriveAndWait(): boolean {
    const c = this.control;
    const generation = Atomics.load(c, GENERATION);
    if (Atomics.add(c, ARRIVED, 1) === this.layout.threads - 1) {
      Atomics.store(c, ARRIVED, 0);
      Atomics.add(c, GENERATION, 1);
      Atomics.notify(c, GENERATION);
      return !this.ended();
    }
    for (;;) {
      const now = Atomics.load(c, GENERATION);
      if (this.ended()) return false;
      if (now !== generation) return true;
      this.pause(GENERATION, generation);
    }
  }

  /** A worker failed (after posting its error): release everyone who waits. */
  fail(thread: number): void {
    Atomics.compareExchange(this.control, FAILED, 0, thread + 1);
    this.wakeAll();
  }

  /** The thread that failed, or −1. */
  failedThread(): number {
    return Atomics.load(this.control, FAILED) - 1;
  }

  /** Thread 0: the run is over; workers waiting for a step or at the barrier return. */
  stop(): void {
    Atomics.store(this.control, STOP, 1);
    this.wakeAll();
  }

  private ended(): boolean {
    return Atomics.load(this.control, STOP) !== 0 || Atomics.load(this.control, FAILED) !== 0;
  }

  /**
   * Wait until control[slot] may have changed from `value`: first spin for up to SPIN_MS (the
   * other threads usually arrive within a millisecond or two, and a thread asleep in Atomics.wait
   * runs again only when the scheduler gets round to it: on a loaded machine the simulated
   * experiment's sparse decoder, a 3 ms step, ran at 6,100–6,400 samples/s on two threads
   * sleeping at once and at 7,500–8,800 spinning first), then sleep.
   */
  private pause(slot: number, value: number): void {
    const until = performance.now() + SPIN_MS;
    while (Atomics.load(this.control, slot) === value) {
      if (performance.now() > until) {
        Atomics.wait(this.control, slot, value);
        return;
      }
    }
  }

  /**
   * After STOP or FAILED is set: move GO and GENERATION on, so that a thread about to sleep on
   * either value does not sleep (Atomics.wait returns at once when the value has changed; a
   * notify alone would be lost on a thread that has checked the flags but not yet gone to sleep).
   */
  private wakeAll(): void {
    Atomics.add(this.control, GO, 1);
    Atomics.add(this.control, GENERATION, 1);
    Atomics.notify(this.control, GO);
    Atomics.notify(this.control, GENERATION);
  }
}

/**
 * Contiguous shards of a batch of `size` over `threads`, as equal as possible: shard t is
 * [bounds[t], bounds[t+1]). Shards are empty when the batch has fewer samples than threads.
 */
export function shardBounds(size: number, threads: number): number[] {
  return Array.from({length: threads + 1}, (_, t) => Math.floor((t * size) / threads));
}
