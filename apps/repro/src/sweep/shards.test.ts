import type {JobPlan} from './experiment';
import {parseShard, shardJobs} from './shards';

const jobs: JobPlan[] = [100, 3, 50, 50, 7, 1, 30, 30, 2].map((work, i) => ({key: `j${i}`, work, params: null}));

describe('shards', () => {
  it('K/N slices are disjoint and together cover the sweep, for every N', () => {
    for (let n = 1; n <= 5; n++) {
      const slices = Array.from({length: n}, (_, k) => shardJobs(jobs, {index: k + 1, count: n}).map((j) => j.key));
      expect(slices.flat().sort()).toEqual(jobs.map((j) => j.key).sort());
    }
  });

  it('balances work: largest first to the lightest slice, ties to the lower index', () => {
    const work = (k: number) => shardJobs(jobs, {index: k, count: 2}).reduce((s, j) => s + j.work, 0);
    // By hand (A, B after each): 100→A (100, 0); 50→B (100, 50); 50→B (100, 100); 30→A (130, 100);
    // 30→B (130, 130); 7→A (137, 130); 3→B (137, 133); 2→B (137, 135); 1→B (137, 136).
    expect([work(1), work(2)]).toEqual([137, 136]);
  });

  it('parses K/N and refuses anything else, naming --shard', () => {
    expect(parseShard('2/8')).toEqual({index: 2, count: 8});
    for (const bad of ['0/2', '3/2', '1', 'a/b', '1/0']) expect(() => parseShard(bad)).toThrow(/--shard takes K\/N with 1 ≤ K ≤ N/);
  });
});
