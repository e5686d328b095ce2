import {BadConfigError} from '@encoderless/errors';
import type {JobPlan} from './experiment';

/** `--shard K/N`: this process runs the K-th (1-based) of N disjoint slices of a sweep. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** '2/8' → {index: 2, count: 8}; anything else throws naming --shard. */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN, count = m ? Number(m[2]) : NaN;
  if (!m || !(count >= 1 && index >= 1 && index <= count) || !Number.isSafeInteger(count)) {
    throw new BadConfigError(`--shard takes K/N with 1 ≤ K ≤ N (e.g. 2/8: the second of eight slices), got '${text}'`, {option: '--shard'});
  }
  return {index, count};
}

/**
 * The jobs of one shard. Every process of a split computes the same assignment from the same
 * job list, so the slices are disjoint and together cover the sweep: jobs go, largest first
 * (ties by key), to the slice with the least work so far (ties to the lowest index), which
 * keeps the slices' work close even when job sizes differ a hundredfold.
 */
export function shardJobs<P>(jobs: readonly JobPlan<P>[], shard: Shard): JobPlan<P>[] {
  const load = new Array<number>(shard.count).fill(0);
  const mine: JobPlan<P>[] = [];
  const order = [...jobs].sort((a, b) => b.work - a.work || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const job of order) {
    let k = 0;
    for (let i = 1; i < shard.count; i++) if (load[i] < load[k]) k = i;
    load[k] += job.work;
    if (k === shard.index - 1) mine.push(job);
  }
  return mine;
}
