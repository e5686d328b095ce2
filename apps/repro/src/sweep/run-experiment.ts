import {availableParallelism} from 'node:os';
import {BACKEND_ENV_VAR, BACKEND_NAMES, describeAdapter, describeBackend, isBackendInstalled, useBackend, type BackendName} from '@encoderless/backends';
import {BadConfigError, MissingBackendError} from '@encoderless/errors';
import {createProgress} from '@encoderless/report';
import {parseCommandLine} from '../flags/command-line';
import {applyFlags, knobFlags, type Knobs} from '../flags/knobs';
import {assembleOutputs, readPoints} from './assemble';
import type {AnyExperiment, JobPlan} from './experiment';
import {onPath} from './fs-errors';
import {runJobPool, workerCount} from './job-pool';
import {writePoint} from './points';
import {
  checkOutputPath, clearOwnFiles, decideFolder, inspectFolder, runHash, writeRunRecord, RUN_FORMAT,
  type FolderRequest, type RunRecord,
} from './run-folder';
import {acquireRunLock} from './run-lock';
import {parseShard, shardJobs} from './shards';

/** The flags of every experiment besides its config's knobs: where, how, and what to do with the folder. */
export const RUN_OPTIONS = {
  out: {kind: 'text', help: 'output folder (default runs/<command>)'},
  preset: {kind: 'text', help: "settings to start from: 'full' (the paper's, default) or 'quick'"},
  quick: {kind: 'boolean', help: 'the small preset, same as --preset quick (CI runs it)'},
  backend: {kind: 'choice', choices: [...BACKEND_NAMES, 'auto'], help: `default wasm, or ${BACKEND_ENV_VAR}`},
  resume: {kind: 'boolean', help: 'continue the run in --out: keep its points (its settings must match), compute the rest'},
  overwrite: {kind: 'boolean', help: 'replace the run in --out: delete the files encoderless wrote there (nothing else), start over'},
  jobs: {kind: 'integer', min: 1, help: 'parallel workers (default and most: the cores); the numbers do not depend on it'},
  shard: {kind: 'text', help: 'K/N: compute only the K-th of N disjoint slices of the points into a shared --out'},
  help: {kind: 'boolean', help: 'print this help'},
} as const satisfies Knobs;

export interface RunOptions {
  readonly out?: string;
  readonly preset?: string;
  readonly quick?: boolean;
  readonly backend?: string;
  readonly resume?: boolean;
  readonly overwrite?: boolean;
  readonly jobs?: number;
  readonly shard?: string;
  readonly help?: boolean;
}

/** What a command line asks of an experiment: its options, its preset and config, and the knob flags typed. */
export interface ResolvedRun {
  readonly options: RunOptions;
  readonly preset: string;
  readonly config: object;
  readonly given: ReadonlySet<string>;
}

/**
 * Flags → options and config: the preset (`--preset`, `--quick`), then the knob flags given,
 * then the couplings, then the experiment's derived defaults and checks. Everything a flag can
 * get wrong is found here, before any file or data is touched.
 */
export function resolveRun(experiment: AnyExperiment, argv: readonly string[]): ResolvedRun {
  const knobs: Knobs = experiment.knobs;
  const clash = Object.keys(knobs).find((k) => k in RUN_OPTIONS);
  if (clash) throw new Error(`experiment ${experiment.name}: knob ${clash} clashes with a run option`);
  const parsed = parseCommandLine(experiment.name, argv, {...RUN_OPTIONS, ...knobs});
  const options = Object.fromEntries([...parsed].filter(([k]) => k in RUN_OPTIONS)) as RunOptions;
  const given = new Map([...parsed].filter(([k]) => !(k in RUN_OPTIONS)));
  if (options.preset !== undefined && options.quick && options.preset !== 'quick') {
    throw new BadConfigError(`encoderless ${experiment.name}: --quick and --preset ${options.preset} disagree; give one`, {option: '--preset'});
  }
  const preset = options.preset ?? (options.quick ? 'quick' : 'full');
  const base = experiment.presets[preset];
  if (base === undefined) {
    throw new BadConfigError(`encoderless ${experiment.name}: --preset takes one of ${Object.keys(experiment.presets).join(', ')}, ` +
      `got '${preset}'`, {option: '--preset'});
  }
  let config = applyFlags(experiment.name, knobs, base, given, experiment.couplings);
  if (experiment.complete) config = experiment.complete(config, new Set(given.keys()));
  return {options, preset, config, given: new Set(given.keys())};
}

/** The backend the user asked for, checked before anything loads: --backend, else the environment, else wasm. */
function chooseBackend(flag: string | undefined): string {
  const env = process.env[BACKEND_ENV_VAR] || undefined; // set but empty: not set
  const name = (flag ?? env ?? 'wasm').trim().toLowerCase();
  const source = flag !== undefined ? `--backend ${flag}` : `${BACKEND_ENV_VAR}=${env}`;
  if (name !== 'auto' && !(BACKEND_NAMES as readonly string[]).includes(name)) {
    throw new BadConfigError(`${source}: unknown backend; expected one of auto, ${BACKEND_NAMES.join(', ')}`, {option: '--backend'});
  }
  if (name !== 'auto' && !isBackendInstalled(name as BackendName)) {
    throw new MissingBackendError(`${source}: its package is not installed (see the README's GPU section); choose another --backend`,
      {option: '--backend'});
  }
  return name;
}

function formatBytes(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : `${Math.max(1, Math.round(bytes / 1e6))} MB`;
}

/**
 * `encoderless <experiment>`: validate everything (flags, output path, folder, backend, data,
 * sizes against the data), then take the folder's lock, then touch it: a refused command never
 * changes a finished run. Computes the points not there yet (this shard's, with --shard), each
 * written the moment it is done; when every point of the sweep exists, writes the results,
 * figures and report.
 */
export async function runExperiment(experiment: AnyExperiment, run: ResolvedRun, log: (line: string) => void): Promise<void> {
  const started = performance.now();
  const {options, config, preset} = run;
  const out = options.out ?? `runs/${experiment.name}`;
  const dir = await checkOutputPath(out);
  const threads = (config as {threads?: number}).threads ?? 1;
  const shard = options.shard === undefined ? undefined : parseShard(options.shard);
  const backendChoice = chooseBackend(options.backend);
  const flagOf = (path: string) => `--${knobFlags(experiment.knobs).find((f) => f.path.join('.') === path)?.name ?? path}`;
  const request = (backend: string, dataSha256?: string | null): FolderRequest => ({
    dir, experiment: experiment.name, preset, resume: options.resume === true, overwrite: options.overwrite === true,
    shard: shard !== undefined, config, backend, dataSha256, flagOf,
  });
  // The cheap checks first (a settings mismatch needs no data)…
  const backendName = backendChoice === 'auto' ? (await useBackend('auto')).name : backendChoice;
  if (threads > 1 && backendName === 'webgpu') {
    // Refused here, before any data is read or folder written; each job would refuse it anyway.
    throw new BadConfigError(`--threads ${threads} splits each batch over CPU cores; --backend webgpu runs the whole batch on ` +
      'the GPU: use --threads 1 (and --jobs for several points at once)', {option: '--threads'});
  }
  if (threads > availableParallelism()) {
    throw new BadConfigError(`--threads ${threads} is more than the ${availableParallelism()} cores here: every thread computes a share of each ` +
      `batch, so threads beyond the cores only wait (use --threads ≤ ${availableParallelism()})`, {option: '--threads'});
  }
  decideFolder(inspectFolder(dir), request(backendName));
  const backend = await useBackend(backendName);
  // …then the data, checked against the config, and the settings again with the data's identity.
  const data = await experiment.loadData(config, log);
  const record: RunRecord = {
    format: RUN_FORMAT, experiment: experiment.name, preset, config, backend: backend.name, data: data.identity,
    hash: runHash({experiment: experiment.name, preset, config, backend: backend.name, data: data.identity}),
  };
  decideFolder(inspectFolder(dir), request(backend.name, data.identity.sha256));
  const plan = experiment.jobs(config);
  const mine = shard ? shardJobs(plan, shard) : [...plan];
  const total = mine.reduce((s, j) => s + j.work, 0);
  if (!Number.isSafeInteger(total)) {
    throw new BadConfigError(`encoderless ${experiment.name}: the sweep is too large to run (${total.toExponential(1)} sample-epochs); ` +
      'choose fewer --epochs or smaller --sizes', {option: '--epochs'});
  }

  const lock = await onPath(dir, '--out', () => acquireRunLock(dir, {hash: record.hash, role: shard ? `${shard.index}/${shard.count}` : null,
    command: `encoderless ${experiment.name}`}, log));
  try {
    // Under the lock, the folder as it is now (another process may have started a run in it).
    const mode = decideFolder(inspectFolder(dir), request(backend.name, data.identity.sha256));
    if (mode === 'overwrite') {
      const left = await clearOwnFiles(dir);
      if (left.length) log(`--overwrite left ${left.length} file(s) encoderless did not write: ${left.slice(0, 5).join(', ')}${left.length > 5 ? ', …' : ''}`);
    }
    if (mode === 'fresh' || mode === 'overwrite') await writeRunRecord(dir, record);
    const points = readPoints(experiment, dir, record, plan);
    const todo = mine.filter((j) => !points.has(j.key));
    const workers = workerCount(options.jobs, todo.length, log);
    if (threads > 1 && workers * threads > availableParallelism()) {
      log(`note: ${workers} workers × --threads ${threads} is more than the ${availableParallelism()} cores: each step waits for its slowest ` +
        'thread; --jobs 1 with --threads, or --threads 1 with --jobs, uses the cores better');
    }
    const perWorker = experiment.workerBytes?.(config);
    log(`encoderless ${experiment.name}: backend ${describeBackend(backend)}, ` +
      `${preset} preset, ${plan.length} points${shard ? ` (shard ${shard.index}/${shard.count}: ${mine.length})` : ''}, ` +
      `${workers} worker${workers === 1 ? '' : 's'}, output ${out}`);
    log(`  data: ${data.identity.source}${(data.identity.notes ?? []).map((n) => `; ${n}`).join('')}`);
    if (perWorker !== undefined) {
      log(`  memory: about ${formatBytes(data.bytes + workers * perWorker)} (shared data ${formatBytes(data.bytes)} + ` +
        `${workers} × ${formatBytes(perWorker)} per worker, an estimate)`);
    }
    const doneBefore = mine.length - todo.length;
    if (doneBefore > 0) log(`resuming: ${doneBefore} of ${mine.length} jobs already done`);
    const progress = createProgress({total: todo.reduce((s, j) => s + j.work, 0), label: experiment.name, stream: process.stderr});
    await runJobPool(todo, {
      experiment, config, data: data.shared, workers, backend: backend.name,
      onTick: (n, label) => progress.tick(n, label),
      onResult: async (job: JobPlan, records) => {
        await writePoint(dir, {experiment: experiment.name, key: job.key, run: record.hash, records});
        points.set(job.key, records as never[]);
      },
    });
    progress.done();
    // Other shards may have finished meanwhile: whichever process sees the whole sweep last assembles it.
    const all = shard ? readPoints(experiment, dir, record, plan) : points;
    const missing = plan.filter((j) => !all.has(j.key));
    if (missing.length > 0) {
      log(`shard ${shard!.index}/${shard!.count} done; ${missing.length} of ${plan.length} points are still to come from other shards: ` +
        `run \`encoderless report --out ${out}\` when every shard has finished`);
      return;
    }
    const wallSeconds = (performance.now() - started) / 1000;
    // A shard's wall time is not the sweep's: its report gives the compute time only.
    const adapter = backend.adapter ? {adapter: describeAdapter(backend.adapter)} : {};
    const written = await assembleOutputs(experiment, dir, record, all, plan, shard ? adapter
      : {wallSeconds, ...(doneBefore > 0 ? {resumed: {done: doneBefore, of: mine.length}} : {}), ...adapter});
    log(`done in ${wallSeconds.toFixed(0)} s: ${written.map((f) => `${out}/${f}`).join(', ')}`);
  } finally {
    await lock.release();
  }
}
