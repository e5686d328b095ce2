import {GPU_THREADS_NOTE, planModelRuns} from './bench';

describe('planModelRuns', () => {
  it('webgpu: one worker per submit batch at one thread; more threads skipped, saying why', () => {
    expect(planModelRuns('webgpu', {models: ['mnist'], threads: [1, 2], submitBatch: [15, 64]})).toEqual([
      {model: 'mnist', threads: 1, submitBatch: 15},
      {model: 'mnist', threads: 1, submitBatch: 64},
      {model: 'mnist', threads: 2, skip: GPU_THREADS_NOTE},
    ]);
    expect(GPU_THREADS_NOTE).toMatch(/threads split each batch over CPU cores.*the trainers refuse threads > 1/);
  });
  it('other backends: one worker per (model, threads), the submit batch ignored', () => {
    expect(planModelRuns('wasm', {models: ['mnist', 'sparse'], threads: [1, 2], submitBatch: [15, 64]})).toEqual([
      {model: 'mnist', threads: 1}, {model: 'mnist', threads: 2}, {model: 'sparse', threads: 1}, {model: 'sparse', threads: 2},
    ]);
  });
});
