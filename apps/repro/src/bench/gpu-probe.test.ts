import {InternalError} from '@encoderless/errors';
import {attachGpuProbe, perStep, windowOf, type GpuEvents} from './gpu-probe';

describe('windowOf', () => {
  it('window [2, 20] ms over 2 steps: counts events inside, sums the overlap of reads and recordings', () => {
    const events: GpuEvents = {
      reads: [{start: 0, end: 4}, {start: 10, end: 14}, {start: 18, end: 30}],
      records: [{start: 1, end: 3}, {start: 5, end: 6}],
      submits: [1, 5, 20, 21],
      dispatches: [3, 3.5, 19.9, 25],
    };
    // Reads that began inside: 10 and 18. Wait inside: [2,4] 2 + [10,14] 4 + [18,20] 2 = 8 ms.
    // Recording inside: [2,3] 1 + [5,6] 1 = 2 ms. Submits at 5 and 20; dispatches at 3, 3.5, 19.9.
    expect(windowOf(events, 2, 20, 2)).toEqual({steps: 2, wallMs: 18, reads: 2, submits: 2, dispatches: 3, waitMs: 8, recordMs: 2});
  });
});

describe('perStep', () => {
  it('totals over the windows divided by their steps; host time is the wall time not spent waiting on reads', () => {
    const a = {steps: 2, wallMs: 18, reads: 2, submits: 2, dispatches: 3, waitMs: 8, recordMs: 2};
    const b = {steps: 3, wallMs: 30, reads: 3, submits: 6, dispatches: 12, waitMs: 12, recordMs: 3};
    // 5 steps: reads 5/5, submits 8/5, dispatches 15/5, host (48 − 20)/5, recording 5/5, wait 20/5.
    const g = perStep([a, b])!;
    expect(g.steps).toBe(5);
    for (const [key, expected] of [['reads', 1], ['submits', 1.6], ['dispatches', 3], ['hostMs', 5.6], ['recordMs', 1], ['waitMs', 4]] as const) {
      expect(g[key]).toBeCloseTo(expected, 12);
    }
  });
  it('no steps: undefined', () => {
    expect(perStep([])).toBeUndefined();
  });
});

/** A stand-in for tfjs's WebGPUBackend: a program records a dispatch and, every second one, submits. */
function fakeBackend() {
  const submitted: string[] = [];
  return {
    submitted,
    dispatchesInBatch: 0,
    queue: {submit(buffers: string[]) { submitted.push(...buffers); }},
    runWebGPUProgram(name: string) {
      this.recordAndSubmit(name);
      return `out of ${name}`;
    },
    recordAndSubmit(name: string) {
      if (++this.dispatchesInBatch === 2) {
        this.queue.submit([name]);
        this.dispatchesInBatch = 0;
      }
    },
    async getBufferData(name: string) {
      this.queue.submit([`copy of ${name}`]);
      await new Promise((resolve) => setTimeout(resolve, 5));
      return `values of ${name}`;
    },
  };
}

describe('attachGpuProbe', () => {
  it('counts dispatches, submits and reads of a step and passes every call through with its this and result', async () => {
    const backend = fakeBackend();
    const probe = attachGpuProbe(backend);
    const start = performance.now();
    expect(['a', 'b', 'c'].map((p) => backend.runWebGPUProgram(p))).toEqual(['out of a', 'out of b', 'out of c']);
    expect(await backend.getBufferData('c')).toBe('values of c');
    const end = performance.now();
    expect(backend.submitted).toEqual(['b', 'copy of c']);
    const w = probe.take(start, end, 1);
    expect([w.steps, w.reads, w.submits, w.dispatches]).toEqual([1, 1, 2, 3]);
    // The read waited on its 5 ms timer (timers may fire a little early: 4 ms).
    expect(w.waitMs).toBeGreaterThanOrEqual(4);
    expect(w.waitMs).toBeLessThanOrEqual(w.wallMs);
    expect(w.recordMs).toBeLessThanOrEqual(w.wallMs - w.waitMs);
    // What a window took is forgotten: the same window again holds nothing.
    expect(probe.take(start, end, 1)).toMatchObject({reads: 0, submits: 0, dispatches: 0, waitMs: 0, recordMs: 0});
  });

  it('throws when the backend lacks a method it wraps (another tfjs-backend-webgpu)', () => {
    const {runWebGPUProgram: _, ...other} = fakeBackend();
    expect(() => attachGpuProbe(other)).toThrow(InternalError);
    expect(() => attachGpuProbe(other)).toThrow(/the webgpu backend has no runWebGPUProgram, which the bench's GPU counters wrap/);
  });
});
