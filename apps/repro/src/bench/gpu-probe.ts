// What tfjs's WebGPU backend does during a training step, counted and timed for the bench only.
// The probe wraps methods of the one started backend object (tfjs-backend-webgpu 4.22.0's
// runWebGPUProgram, recordAndSubmit, getBufferData, and its queue's submit), so the trainers run
// exactly the library code they run everywhere else, and nothing outside the bench worker
// changes.
import {InternalError} from '@encoderless/errors';
import type {GpuStepCounts} from './bench-report';

/** What the backend did in one window of time (a timed run): raw totals. */
export interface GpuWindow {
  /** Training steps in the window (mini-batches; for `infer`, forward/backward passes of fitRepresentations). */
  readonly steps: number;
  /** Wall time of the window, ms. */
  readonly wallMs: number;
  /** getBufferData calls: each copies a buffer to a mappable one, submits, and waits for the map. */
  readonly reads: number;
  /** device.queue.submit calls. */
  readonly submits: number;
  /** Compute dispatches recorded (recordAndSubmit: one dispatchWorkgroups each). */
  readonly dispatches: number;
  /** Time inside getBufferData, ms: from the read's call until its values are on the CPU. */
  readonly waitMs: number;
  /** Time inside runWebGPUProgram, ms: recording dispatches, and the submits every batch of them triggers. */
  readonly recordMs: number;
}

interface Interval {
  readonly start: number;
  readonly end: number;
}

/** Milliseconds of `intervals` that lie inside [start, end]. */
function overlapMs(intervals: readonly Interval[], start: number, end: number): number {
  let total = 0;
  for (const i of intervals) total += Math.max(0, Math.min(i.end, end) - Math.max(i.start, start));
  return total;
}

/** How many of `times` lie inside [start, end]. */
function countIn(times: readonly number[], start: number, end: number): number {
  let n = 0;
  for (const t of times) if (t >= start && t <= end) n++;
  return n;
}

/** Timestamps (performance.now(), ms) of everything the probe saw. Pure data: see `windowOf`. */
export interface GpuEvents {
  reads: Interval[];
  records: Interval[];
  submits: number[];
  dispatches: number[];
}

/**
 * The events inside the window [start, end] (ms), over `steps` steps: a submit or dispatch
 * counts if its time is inside; reads and recordings count their overlap with it, and a read
 * counts if it began inside.
 */
export function windowOf(events: GpuEvents, start: number, end: number, steps: number): GpuWindow {
  return {
    steps, wallMs: end - start,
    reads: countIn(events.reads.map((r) => r.start), start, end),
    submits: countIn(events.submits, start, end),
    dispatches: countIn(events.dispatches, start, end),
    waitMs: overlapMs(events.reads, start, end),
    recordMs: overlapMs(events.records, start, end),
  };
}

/**
 * Per-step figures over some windows: totals over all of them divided by their steps. hostMs
 * is the wall time not spent waiting on a read: everything the CPU does per step (building the
 * step's graph, tfjs's kernels, recording dispatches, the row update after the read), during
 * which the GPU gets its work in batches of dispatches.
 */
export function perStep(windows: readonly GpuWindow[]): GpuStepCounts | undefined {
  const sum = (f: (w: GpuWindow) => number) => windows.reduce((s, w) => s + f(w), 0);
  const steps = sum((w) => w.steps);
  if (steps === 0) return undefined;
  return {
    steps,
    reads: sum((w) => w.reads) / steps,
    submits: sum((w) => w.submits) / steps,
    dispatches: sum((w) => w.dispatches) / steps,
    hostMs: (sum((w) => w.wallMs) - sum((w) => w.waitMs)) / steps,
    recordMs: sum((w) => w.recordMs) / steps,
    waitMs: sum((w) => w.waitMs) / steps,
  };
}

/** A probe attached to a started WebGPU backend. */
export interface GpuProbe {
  /** The window [start, end] (performance.now(), ms) over `steps` steps; events before `end` are forgotten. */
  take(start: number, end: number, steps: number): GpuWindow;
}

type Method = (...args: unknown[]) => unknown;

/** The methods the probe wraps, checked: another tfjs-backend-webgpu than 4.22.0 may lack them. */
function methodOf(owner: object, name: string): Method {
  const f = (owner as Record<string, unknown>)[name];
  if (typeof f !== 'function') {
    throw new InternalError(`bench: the webgpu backend has no ${name}, which the bench's GPU counters wrap ` +
      '(written for @tensorflow/tfjs-backend-webgpu 4.22.0)');
  }
  return f as Method;
}

/**
 * Wrap the started WebGPU backend (`tf.backend()` on 'webgpu') so that every read, submit,
 * dispatch and recording is timestamped. For the bench worker only: the wrappers stay for the
 * life of the process.
 */
export function attachGpuProbe(backend: object): GpuProbe {
  const events: GpuEvents = {reads: [], records: [], submits: [], dispatches: []};
  const target = backend as Record<string, unknown>;
  const queue = target.queue as object | undefined;
  if (queue === undefined) throw new InternalError('bench: the webgpu backend has no queue, which the bench\'s GPU counters wrap');
  const run = methodOf(backend, 'runWebGPUProgram'), record = methodOf(backend, 'recordAndSubmit');
  const read = methodOf(backend, 'getBufferData'), submit = methodOf(queue, 'submit');
  target.runWebGPUProgram = function (this: unknown, ...args: unknown[]) {
    const start = performance.now();
    try {
      return run.apply(this, args);
    } finally {
      events.records.push({start, end: performance.now()});
    }
  };
  target.recordAndSubmit = function (this: unknown, ...args: unknown[]) {
    events.dispatches.push(performance.now());
    return record.apply(this, args);
  };
  target.getBufferData = async function (this: unknown, ...args: unknown[]) {
    const start = performance.now();
    try {
      return await read.apply(this, args);
    } finally {
      events.reads.push({start, end: performance.now()});
    }
  };
  (queue as Record<string, unknown>).submit = function (this: unknown, ...args: unknown[]) {
    events.submits.push(performance.now());
    return submit.apply(this, args);
  };
  return {
    take(start, end, steps) {
      const window = windowOf(events, start, end, steps);
      events.reads = events.reads.filter((r) => r.end > end);
      events.records = events.records.filter((r) => r.end > end);
      events.submits = events.submits.filter((t) => t > end);
      events.dispatches = events.dispatches.filter((t) => t > end);
      return window;
    },
  };
}
