import {isBackendInstalled, useBackend} from '@encoderless/backends';
import {describeEachBackend} from '@encoderless/test-utils';
import {availableCores} from './start-data-parallel';
import {checkThreads} from './threads-options';

// checkThreads alone, without starting a thread: each refusal names the option it is about (the
// CLI turns `option` into the flag to change), and each limit is tried at its edge.
describe('checkThreads', () => {
  const replica = {module: '/abs/replica.js', export: 'createReplica'};
  const cores = availableCores();
  const refusal = (options: Parameters<typeof checkThreads>[1], batchSize = 32) => {
    try {
      checkThreads('trainX', options, batchSize);
    } catch (err) {
      return {message: (err as Error).message, option: (err as {option?: string}).option, name: (err as Error).name};
    }
    throw new Error('checkThreads accepted what it should refuse');
  };

  it('one thread needs nothing else (no replica, any batch size); the default is one', () => {
    expect(checkThreads('trainX', {}, 1)).toBe(1);
    expect(checkThreads('trainX', {threads: 1}, 1)).toBe(1);
  });

  it.each([0, -1, 1.5, NaN])('threads %p: not a positive integer, option threads', (threads) => {
    expect(refusal({threads, replica})).toEqual({
      message: `trainX: threads must be a positive integer, got ${threads}`, option: 'threads', name: 'BadConfigError'});
  });

  it('more threads than cores: refused naming the cores, option threads', () => {
    expect(refusal({threads: cores + 1, replica}, 1_000)).toEqual({option: 'threads', name: 'BadConfigError', message:
      `trainX: threads ${cores + 1} is more than the ${cores} core(s) here; each thread computes a share of every batch, ` +
      `so threads beyond the cores only wait for one (use threads ≤ ${cores})`});
  });

  const twoCores = cores >= 2 ? it : it.skip;
  twoCores('threads = batch size is accepted, one more than the batch size is not (option threads)', () => {
    expect(checkThreads('trainX', {threads: 2, replica}, 2)).toBe(2);
    expect(refusal({threads: 2, replica}, 1)).toEqual({option: 'threads', name: 'BadConfigError',
      message: 'trainX: threads 2 is more than batchSize 1; some threads would never get a sample'});
  });

  twoCores('a replica recipe must name a module and an export, args an array if given (option replica)', () => {
    const bad = [undefined, null, 'replica.js', {export: 'f'}, {module: '', export: 'f'}, {module: 3, export: 'f'},
      {module: 'm'}, {module: 'm', export: ''}, {module: 'm', export: 7}, {module: 'm', export: 'f', args: 'x'}];
    for (const r of bad) {
      const got = refusal({threads: 2, replica: r as never});
      expect(got).toMatchObject({option: 'replica', name: 'BadConfigError'});
      expect(got.message).toBe('trainX: threads 2 needs replica: {module, export, args?}, a function each worker thread calls to build ' +
        `its copy of the modules (e.g. {module: require.resolve('./replica'), export: 'createReplica'}); got ${JSON.stringify(r)}`);
    }
    expect(checkThreads('trainX', {threads: 2, replica: {...replica, args: [1, 'a']}}, 32)).toBe(2);
  });

  twoCores('a runtime without SharedArrayBuffer or without Atomics.wait is refused (option threads)', () => {
    const message = 'trainX: threads 2 needs SharedArrayBuffer and Atomics.wait (Node.js worker threads), which this runtime lacks; use threads: 1';
    const sab = globalThis.SharedArrayBuffer, wait = Atomics.wait;
    try {
      (globalThis as {SharedArrayBuffer?: unknown}).SharedArrayBuffer = undefined;
      expect(refusal({threads: 2, replica})).toEqual({message, option: 'threads', name: 'BadConfigError'});
      globalThis.SharedArrayBuffer = sab;
      (Atomics as {wait?: unknown}).wait = undefined;
      expect(refusal({threads: 2, replica})).toEqual({message, option: 'threads', name: 'BadConfigError'});
    } finally {
      globalThis.SharedArrayBuffer = sab;
      Atomics.wait = wait;
    }
  });
});

describeEachBackend({useBackend, isBackendInstalled}, ['webgpu'], () => {
  it('threads > 1 on the GPU are refused, naming the backend (option threads); one thread is fine', () => {
    const replica = {module: '/abs/replica.js', export: 'createReplica'};
    expect(checkThreads('trainX', {threads: 1}, 32)).toBe(1);
    expect(() => checkThreads('trainX', {threads: 2, replica}, 32))
      .toThrow(/^trainX: threads 2 splits each batch over CPU cores; this runs on the GPU \(webgpu\), which takes the whole batch at once: use threads: 1$/);
  });
});
