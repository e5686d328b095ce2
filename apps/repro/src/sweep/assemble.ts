import {join} from 'node:path';
import {writeFileAtomic, writeJsonAtomic} from '@encoderless/report/node';
import {differingFlags, formatFlagValue} from '../flags/knobs';
import type {AnyExperiment, JobPlan, OutputInput, TimedRecord} from './experiment';
import {onPath} from './fs-errors';
import {readPoint} from './points';
import {writeManifest, type RunRecord} from './run-folder';

/** The config a preset stands for once its derived defaults are filled in (what overrides are counted from). */
export function presetConfig(experiment: AnyExperiment, preset: string): object {
  const base = experiment.presets[preset];
  return experiment.complete ? experiment.complete(base, new Set()) : base;
}

/** Every wall time (`seconds`) removed, at any depth: results.json depends on the config and seed alone. */
function withoutTimes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutTimes);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([k]) => k !== 'seconds').map(([k, v]) => [k, withoutTimes(v)]));
  }
  return value;
}

/** The records of the points of `plan` that exist, by key (each point checked against the run first). */
export function readPoints(experiment: AnyExperiment, dir: string, run: RunRecord, plan: readonly JobPlan[]): Map<string, TimedRecord[]> {
  const found = new Map<string, TimedRecord[]>();
  for (const job of plan) {
    const records = readPoint<TimedRecord>(dir, {experiment: experiment.name, key: job.key, run: run.hash}, experiment.checkRecord);
    if (records) found.set(job.key, [...records]);
  }
  return found;
}

/**
 * Results, figures and report from whatever points of a run exist: results.json (a function
 * of the config and the records alone, wall times moved to timings.json), the experiment's
 * files, and the manifest of what was written. Returns the names written.
 */
export async function assembleOutputs(experiment: AnyExperiment, dir: string, run: RunRecord,
  points: ReadonlyMap<string, readonly TimedRecord[]>, plan: readonly JobPlan[],
  meta: Pick<OutputInput<object, TimedRecord>, 'wallSeconds' | 'resumed' | 'adapter'> = {}): Promise<string[]> {
  const records = [...points.values()].flat();
  const missing = plan.map((j) => j.key).filter((k) => !points.has(k));
  const computeSeconds = records.reduce((s, r) => s + r.seconds, 0);
  const overrides = differingFlags(experiment.knobs, run.config, presetConfig(experiment, run.preset))
    .map((d) => formatFlagValue(d.name, d.now));
  const out = experiment.outputs({
    config: run.config, preset: run.preset, records, backend: run.backend, data: run.data, missing, overrides, computeSeconds, ...meta,
  });
  const results = withoutTimes({
    experiment: experiment.name, preset: run.preset, config: run.config, backend: run.backend,
    data: {sha256: run.data.sha256, source: run.data.source},
    ...(missing.length ? {missing} : {}), ...out.results, records: out.records,
  });
  const timings = {
    computeSeconds, ...(meta.wallSeconds === undefined ? {} : {wallSeconds: meta.wallSeconds}),
    ...(meta.adapter === undefined ? {} : {adapter: meta.adapter}),
    points: Object.fromEntries([...points].map(([key, rs]) => [key, rs.map((r) => r.seconds)])),
  };
  const write = (name: string, f: (path: string) => Promise<void>) => onPath(join(dir, name), '--out', () => f(join(dir, name)));
  // The numbers first: a figure that fails to draw must not cost the results.
  await write('results.json', (p) => writeJsonAtomic(p, results));
  await write('timings.json', (p) => writeJsonAtomic(p, timings));
  const names = ['results.json', 'timings.json'];
  for (const [name, content] of Object.entries(out.files)) {
    await write(name, (p) => writeFileAtomic(p, content));
    names.push(name);
  }
  await writeManifest(dir, names);
  return names;
}
