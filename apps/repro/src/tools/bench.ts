import {readFileSync} from 'node:fs';
import {availableParallelism} from 'node:os';
import {BACKEND_NAMES} from '@encoderless/backends';
import {BENCH_MODELS, TFJS_SUBMIT_BATCH, compareBenchResults, formatBenchResults, parsePeerResult, runBench, type BenchResults} from '../bench';
import {BadDataFileError} from '@encoderless/errors';
import {writeJsonAtomic} from '@encoderless/report/node';
import {formatFlagHelp, parseCommandLine} from '../flags/command-line';
import {applyFlags, type ConfigOf, type Knobs} from '../flags/knobs';
import {onPath} from '../sweep/fs-errors';
import type {Command} from '../commands';

/** The bench's settings, parsed by the runner's one flag parser. */
export const BENCH_KNOBS = {
  models: {kind: 'choice-list', choices: BENCH_MODELS, help: 'models to time'},
  backends: {kind: 'choice-list', choices: BACKEND_NAMES, help: 'backends to time (each skipped with a reason when not installed)'},
  threads: {kind: 'integer-list', min: 1, max: availableParallelism(),
    help: 'threads per training run (the trainers\' threads option), at most the cores; webgpu runs 1 (more are reported as skipped)'},
  webgpuSubmitBatch: {kind: 'integer-list', min: 1,
    help: 'webgpu only: dispatches recorded per GPU queue submit (tfjs\'s WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE), each value its own row'},
  runs: {kind: 'integer', min: 1, help: 'timed runs per workload; the median is quoted'},
  batches: {kind: 'integer', min: 1, help: 'mini-batches per timed run'},
  batchSize: {kind: 'integer', min: 1, help: 'samples per mini-batch (the paper: 32)'},
  cpuBudget: {kind: 'integer', min: 1, help: 'seconds per (model) on the cpu backend, and on webgpu with a software adapter, before "timed out"'},
  budget: {kind: 'integer', min: 1, help: 'seconds per (backend, model) on every other backend'},
} as const satisfies Knobs;

type BenchSettings = ConfigOf<typeof BENCH_KNOBS>;

const FULL: BenchSettings = {models: BENCH_MODELS, backends: ['wasm', 'cpu'], threads: availableParallelism() >= 2 ? [1, 2] : [1],
  webgpuSubmitBatch: [TFJS_SUBMIT_BATCH], runs: 5, batches: 6, batchSize: 32, cpuBudget: 30, budget: 90};
const QUICK: BenchSettings = {...FULL, runs: 2, batches: 2, cpuBudget: 15, budget: 45};

const OPTIONS = {
  quick: {kind: 'boolean', help: 'fewer runs and shorter budgets (2 runs of 2 batches, 15 s / 45 s)'},
  out: {kind: 'text', help: 'write the results as JSON to this file'},
  compare: {kind: 'text', help: 'print new/old ratios against this earlier JSON'},
  peer: {kind: 'text', help: 'the PyTorch peer\'s output (`pytorch-peer.py N > file`), comma-separated files: its numbers and our ratios at the same thread count'},
  help: {kind: 'boolean', help: 'print this help'},
} as const satisfies Knobs;

/** `encoderless bench`: samples/s of every zoo model's training, inference and autoencoder steps on every backend present. */
export const benchCommand: Command = {
  name: 'bench',
  kind: 'tool',
  summary: 'throughput of the model zoo on every installed backend, against the in-run matmul and conv2d ceilings',
  help: () => ['usage: encoderless bench [flags]', '', formatFlagHelp(OPTIONS), formatFlagHelp(BENCH_KNOBS, FULL)].join('\n'),
  async run(argv, log) {
    const flags = parseCommandLine('bench', argv, {...OPTIONS, ...BENCH_KNOBS});
    if (flags.get('help')) {
      log(benchCommand.help());
      return;
    }
    const quick = flags.get('quick') === true;
    const given = new Map([...flags].filter(([k]) => !(k in OPTIONS)));
    const s = applyFlags('bench', BENCH_KNOBS, quick ? QUICK : FULL, given, []);
    const out = flags.get('out') as string | undefined, compare = flags.get('compare') as string | undefined;
    let previous: BenchResults | undefined;
    if (compare !== undefined) {
      try {
        previous = JSON.parse(readFileSync(compare, 'utf8')) as BenchResults;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        throw new BadDataFileError(`--compare ${compare}: ${code ? `cannot read it (${code})` : `not valid JSON (${(err as Error).message})`}; ` +
          'give a file written by --out', compare, {option: '--compare'});
      }
    }
    const peerFiles = ((flags.get('peer') as string | undefined) ?? '').split(',').map((f) => f.trim()).filter(Boolean);
    const peers = peerFiles.map((file) => {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (err) {
        throw new BadDataFileError(`--peer ${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); ` +
          'write it with `/usr/bin/python3 ../shared/bench/pytorch-peer.py 2 > FILE`', file, {option: '--peer'});
      }
      return parsePeerResult(text, file);
    });
    const results = await runBench({
      models: s.models, backends: s.backends, threads: s.threads, submitBatch: s.webgpuSubmitBatch, runs: s.runs, batches: s.batches, batchSize: s.batchSize,
      cpuBudgetSeconds: s.cpuBudget, budgetSeconds: s.budget, quick,
    }, (text) => process.stderr.write(`bench: ${text}\n`), peers);
    log(formatBenchResults(results));
    if (out !== undefined) {
      await onPath(out, '--out', () => writeJsonAtomic(out, results));
      log(`wrote ${out}`);
    }
    if (previous) log(`\n${compareBenchResults(results, previous)}`);
  },
};
