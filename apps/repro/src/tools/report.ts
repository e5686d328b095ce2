import {existsSync, readFileSync} from 'node:fs';
import {join, resolve} from 'node:path';
import {useBackend} from '@encoderless/backends';
import {BadConfigError, BadDataFileError} from '@encoderless/errors';
import {formatFlagHelp, parseCommandLine} from '../flags/command-line';
import {checkConfig, type Knobs} from '../flags/knobs';
import type {Command} from '../commands';
import {EXPERIMENTS} from '../experiments';
import {assembleOutputs, readPoints} from '../sweep/assemble';
import {onPath} from '../sweep/fs-errors';
import {RUN_FORMAT, type RunRecord} from '../sweep/run-folder';
import {acquireRunLock} from '../sweep/run-lock';

const OPTIONS = {
  out: {kind: 'text', help: 'the run folder (its config.json says which experiment and settings)'},
  help: {kind: 'boolean', help: 'print this help'},
} as const satisfies Knobs;

/** The run a folder holds, checked: our format, a known experiment, a config its knobs accept. */
function readRun(dir: string) {
  const path = join(dir, 'config.json');
  if (!existsSync(path)) {
    throw new BadDataFileError(`--out ${dir}: no config.json there (ENOENT); give the folder of an encoderless run`, path, {option: '--out'});
  }
  let run: RunRecord;
  try {
    run = JSON.parse(readFileSync(path, 'utf8')) as RunRecord;
  } catch (err) {
    throw new BadDataFileError(`${path}: not valid JSON (${(err as Error).message}); not a run this tool can report`, path, {option: '--out'});
  }
  const experiment = EXPERIMENTS.find((e) => e.name === run?.experiment);
  if (run?.format !== RUN_FORMAT || !experiment) {
    throw new BadDataFileError(`${path}: not written by this version of encoderless (format ${JSON.stringify(run?.format)}, ` +
      `experiment ${JSON.stringify(run?.experiment)}); rerun the experiment into a new --out`, path, {option: '--out'});
  }
  const problem = checkConfig(experiment.knobs, run.config);
  if (problem) throw new BadDataFileError(`${path}: its config does not fit ${experiment.name}'s settings (${problem})`, path, {option: '--out'});
  return {run, experiment};
}

/**
 * `encoderless report --out DIR`: results, figures and report from whatever points a run
 * folder holds (after sharded runs, or to look at a sweep still running), listing the points
 * that are missing. Needs no data: the points and config.json are all it reads.
 */
export const reportCommand: Command = {
  name: 'report',
  kind: 'tool',
  summary: 'assemble results, figures and report of a run folder from the points there (after --shard runs); lists missing points',
  help: () => ['usage: encoderless report --out DIR', '', formatFlagHelp(OPTIONS)].join('\n'),
  async run(argv, log) {
    const flags = parseCommandLine('report', argv, OPTIONS);
    if (flags.get('help')) {
      log(reportCommand.help());
      return;
    }
    const out = flags.get('out') as string | undefined;
    if (out === undefined) throw new BadConfigError('encoderless report: --out DIR is required: the run folder to report', {option: '--out'});
    const dir = resolve(out);
    const {run, experiment} = readRun(dir);
    // Counting a model's weights (the MNIST check) builds it: any backend will do, cpu is always installed.
    await useBackend('cpu');
    const lock = await onPath(dir, '--out', () => acquireRunLock(dir, {hash: run.hash, role: 'report', command: 'encoderless report'}, log));
    try {
      const plan = experiment.jobs(run.config);
      const points = readPoints(experiment, dir, run, plan);
      const missing = plan.filter((j) => !points.has(j.key)).map((j) => j.key);
      const written = await assembleOutputs(experiment, dir, run, points, plan);
      log(`encoderless report: ${experiment.name} run in ${out}: ${points.size} of ${plan.length} points` +
        (missing.length ? `; missing: ${missing.join(', ')}` : ', complete') + `; wrote ${written.join(', ')}`);
    } finally {
      await lock.release();
    }
  },
};
