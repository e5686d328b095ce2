import {join} from 'node:path';
import {isUserError} from '@encoderless/errors';
import type {AnyExperiment, JobPlan} from './experiment';
import {runJobPool} from './job-pool';

// The pool's failure paths, with stand-in workers (fixtures/stand-in-worker.js) that speak its
// protocol and then misbehave. The real worker's errors are tested end to end in cli.test.ts.
describe('runJobPool with two workers', () => {
  const jobs: JobPlan[] = ['a', 'b', 'c', 'd'].map((key, i) => ({key, work: 10 - i, params: {}}));
  const pool = (config: {behaviour: string; on?: string}, done: string[] = []) => runJobPool(jobs, {
    experiment: {name: 'stand-in'} as AnyExperiment, config, data: null, workers: 2, backend: 'wasm',
    onTick: () => {}, onResult: async (job) => { done.push(job.key); },
    workerScript: join(__dirname, 'fixtures', 'stand-in-worker.js'),
  });

  it('runs every job once when the workers behave', async () => {
    const done: string[] = [];
    await pool({behaviour: 'none'}, done);
    expect(done.sort()).toEqual(['a', 'b', 'c', 'd']);
  });

  it('a worker that exits in the middle of a job fails the pool, naming the job (it finished without that point)', async () => {
    await expect(pool({behaviour: 'exit-mid-job', on: 'c'}))
      .rejects.toThrow(/^job pool: worker [12] of 2 exited \(code 3\) while running job c, without reporting a result or an error$/);
  });

  it('workers that exit before taking a job fail the pool (it resolved with every job undone)', async () => {
    await expect(pool({behaviour: 'exit-before-ready'})).rejects.toThrow(/exited \(code 0\) before it took a job/);
  });

  it('an error a worker reports keeps its class: a user error stays one, with its option', async () => {
    const err = await pool({behaviour: 'user-error', on: 'b'}).catch((e: unknown) => e as Error & {option?: string});
    expect(isUserError(err)).toBe(true);
    expect(err).toMatchObject({name: 'BadConfigError', message: '--sizes 7: not a size this stand-in takes', option: '--sizes'});
  });
});
