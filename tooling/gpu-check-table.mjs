// The one table tooling/gpu-check.sh prints: the GPU backend (webgpu) beside wasm on the same
// machine, from what the check wrote into its output folder: the bench's JSON files (one per
// backend, run back to back) and the two MNIST run folders. Pure functions on parsed data (tested by gpu-check-table.test.mjs), then a thin
// main that reads the files: `node tooling/gpu-check-table.mjs OUT` prints the table and writes
// OUT/summary.md and OUT/summary.json.
import {existsSync, readFileSync, readdirSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {pathToFileURL} from 'node:url';

/** tfjs-backend-webgpu 4.22.0's default WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE (files before bench version 3 ran it). */
const TFJS_SUBMIT_BATCH = 15;

/** A claim line of an experiment's report.md: `1. *"claim"* — detail: **held|did not hold|not tested**.` */
const CLAIM_LINE = /^(\d+)\. \*"(.+?)"\* — .*\*\*(held|did not hold|not tested)\*\*\.\s*$/;

/**
 * The claims of a report.md and their verdicts, in order.
 *
 * ```js
 * parseClaims('1. *"A"* — at N = 200: **held**.'); // [{number: 1, claim: 'A', verdict: 'held'}]
 * ```
 */
export function parseClaims(reportText) {
  return reportText.split('\n').flatMap((line) => {
    const m = CLAIM_LINE.exec(line.trim());
    return m ? [{number: Number(m[1]), claim: m[2], verdict: m[3]}] : [];
  });
}

const fixed = (x, digits) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(digits) : '–');
const shorten = (text, max = 90) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
const submitBatchOf = (w) => w.submitBatch ?? TFJS_SUBMIT_BATCH;

/** One step's GPU figures in words: reads, submits and dispatches per step, host and wait time. */
function gpuStepText(g) {
  return `${fixed(g.reads, 2)} reads, ${fixed(g.submits, 1)} submits, ${fixed(g.dispatches, 0)} dispatches per step; ` +
    `host ${fixed(g.hostMs, 2)} ms (recording ${fixed(g.recordMs, 2)}), GPU wait ${fixed(g.waitMs, 2)} ms`;
}

/**
 * Bench rows: per model and step, webgpu's samples/s (one row per submit batch, tfjs's default
 * first) against wasm's at one thread, the speed-up, and the GPU's per-step figures.
 */
export function benchRows(bench) {
  const rows = [];
  const one = bench.workloads.filter((w) => (w.threads ?? 1) === 1);
  const keys = [...new Map(one.map((w) => [`${w.model} ${w.workload}`, w])).values()];
  for (const {model, workload} of keys) {
    const cell = (w) => w.model === model && w.workload === workload;
    const wasm = one.find((w) => w.backend === 'wasm' && cell(w));
    const gpus = one.filter((w) => w.backend === 'webgpu' && cell(w))
      .sort((a, b) => (submitBatchOf(a) === TFJS_SUBMIT_BATCH ? -1 : submitBatchOf(b) === TFJS_SUBMIT_BATCH ? 1 : submitBatchOf(a) - submitBatchOf(b)));
    for (const gpu of gpus.length ? gpus : [undefined]) {
      const show = (w) => (w === undefined ? 'absent' : w.status === 'ok' ? fixed(w.samplesPerSecond, 1) : w.status);
      const speedUp = gpu?.status === 'ok' && wasm?.status === 'ok' && wasm.samplesPerSecond > 0
        ? `speed-up ${fixed(gpu.samplesPerSecond / wasm.samplesPerSecond, 2)}×` : '–';
      const batch = gpu && submitBatchOf(gpu) !== TFJS_SUBMIT_BATCH ? ` (submit/${submitBatchOf(gpu)})` : '';
      const detail = gpu?.gpuStep ? gpuStepText(gpu.gpuStep)
        : [gpu?.status !== 'ok' && gpu?.note ? `webgpu: ${gpu.note}` : '', wasm?.status !== 'ok' && wasm?.note ? `wasm: ${wasm.note}` : '']
          .filter(Boolean).join('; ');
      rows.push({check: `bench ${model} ${workload}${batch}, samples/s`, webgpu: show(gpu), wasm: show(wasm), compare: speedUp,
        detail: shorten(detail, 130)});
    }
  }
  return rows;
}

/** The report's order of the MNIST models. */
const MODEL_ORDER = ['decoder', 'autoencoder', 'autoencoder-frozen-decoder'];

/**
 * Relative difference of a to b, signed, as a percentage with two significant digits: the two
 * backends' losses agree to float rounding, so the digits that matter can be far behind the point.
 */
function relative(a, b) {
  if (b === 0) return '–';
  const d = (100 * (a - b)) / b;
  return d === 0 ? '0%' : `${d > 0 ? '+' : '−'}${Number(Math.abs(d).toPrecision(2))}%`;
}

/**
 * MNIST rows: per point (N, model) the test loss on each backend, their relative difference
 * (webgpu against wasm) and each point's wall time; then each run's wall time; then each
 * claim's verdict on both and whether they agree. A run is {records, wallSeconds, claims}.
 */
export function mnistRows(gpuRun, wasmRun) {
  const rows = [];
  const key = (r) => `${r.scenario} N=${r.samples} ${r.model}${r.testSet !== 'all' ? ` (${r.testSet})` : ''}`;
  const byKey = (run) => new Map((run?.records ?? []).map((r) => [key(r), r]));
  const gpu = byKey(gpuRun), wasm = byKey(wasmRun);
  const order = (r) => [r.samples, MODEL_ORDER.indexOf(r.model), r.testSet];
  const keys = [...new Map([...wasm.values(), ...gpu.values()].sort((a, b) => {
    const [x, y] = [order(a), order(b)];
    return x[0] - y[0] || x[1] - y[1] || String(x[2]).localeCompare(String(y[2]));
  }).map((r) => [key(r), r])).keys()];
  for (const k of keys) {
    const g = gpu.get(k), w = wasm.get(k);
    rows.push({
      check: `mnist ${k}, test BCE`, webgpu: g ? fixed(g.testLoss, 4) : 'absent', wasm: w ? fixed(w.testLoss, 4) : 'absent',
      compare: g && w ? relative(g.testLoss, w.testLoss) : '–',
      detail: `wall ${g ? fixed(g.seconds, 0) : '–'} s on webgpu, ${w ? fixed(w.seconds, 0) : '–'} s on wasm`,
    });
  }
  const wall = (run) => (run?.wallSeconds === undefined ? 'absent' : `${fixed(run.wallSeconds, 0)} s`);
  rows.push({check: 'mnist sweep, wall time', webgpu: wall(gpuRun), wasm: wall(wasmRun),
    compare: gpuRun?.wallSeconds > 0 && wasmRun?.wallSeconds > 0 ? `speed-up ${fixed(wasmRun.wallSeconds / gpuRun.wallSeconds, 2)}×` : '–',
    detail: 'whole run: data, every point, the report'});
  const claims = new Map();
  for (const [backend, run] of [['webgpu', gpuRun], ['wasm', wasmRun]]) {
    for (const c of run?.claims ?? []) claims.set(c.number, {...claims.get(c.number), claim: c.claim, [backend]: c.verdict});
  }
  for (const [number, c] of [...claims].sort((a, b) => a[0] - b[0])) {
    rows.push({check: `mnist claim ${number}, verdict`, webgpu: c.webgpu ?? 'absent', wasm: c.wasm ?? 'absent',
      compare: c.webgpu === c.wasm ? 'agree' : 'DISAGREE', detail: shorten(`"${c.claim}"`)});
  }
  return rows;
}

/** The verdict of the whole check: do the claims agree, and how far apart are the test losses. */
export function summarize(gpuRun, wasmRun) {
  const claims = mnistRows(gpuRun, wasmRun).filter((r) => r.check.startsWith('mnist claim'));
  const agree = claims.filter((r) => r.compare === 'agree').length;
  let largest;
  for (const g of gpuRun?.records ?? []) {
    const w = (wasmRun?.records ?? []).find((r) => r.scenario === g.scenario && r.samples === g.samples && r.model === g.model && r.testSet === g.testSet);
    if (!w || !(w.testLoss !== 0)) continue;
    const d = Math.abs(g.testLoss - w.testLoss) / w.testLoss;
    if (largest === undefined || d > largest.difference) largest = {difference: d, point: `N=${g.samples} ${g.model}`};
  }
  return {claims: claims.length, claimsAgree: agree, largestTestLossDifference: largest};
}

/** Rows as a markdown table (the columns of `benchRows` and `mnistRows`). */
export function formatTable(rows) {
  const columns = ['check', 'webgpu', 'wasm', 'compare', 'detail'];
  const header = {check: 'check', webgpu: 'webgpu', wasm: 'wasm', compare: 'webgpu vs wasm', detail: 'detail'};
  const widths = columns.map((c) => Math.max(3, header[c].length, ...rows.map((r) => String(r[c]).length)));
  const line = (r) => `| ${columns.map((c, j) => String(r[c]).padEnd(widths[j])).join(' | ')} |`;
  return [line(header), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rows.map(line)].join('\n');
}

/** Several bench results as one: their backends and workloads together, the machine of the first. */
export function mergeBench(results) {
  if (results.length === 0) return undefined;
  return {...results[0], backends: results.flatMap((r) => r.backends ?? []), workloads: results.flatMap((r) => r.workloads)};
}

/** One MNIST run folder as mnistRows takes it: its records (with wall times), wall time and claims; undefined if absent. */
export function readRun(dir) {
  if (!existsSync(join(dir, 'points'))) return undefined;
  const records = readdirSync(join(dir, 'points')).filter((f) => f.endsWith('.json')).sort()
    .flatMap((f) => JSON.parse(readFileSync(join(dir, 'points', f), 'utf8')).records);
  const timings = join(dir, 'timings.json'), report = join(dir, 'report.md');
  return {
    records,
    ...(existsSync(timings) ? {wallSeconds: JSON.parse(readFileSync(timings, 'utf8')).wallSeconds} : {}),
    claims: existsSync(report) ? parseClaims(readFileSync(report, 'utf8')) : [],
  };
}

function main(out) {
  const bench = mergeBench(readdirSync(out).filter((f) => /^bench.*\.json$/.test(f)).sort().reverse()
    .map((f) => JSON.parse(readFileSync(join(out, f), 'utf8'))));
  const gpuRun = readRun(join(out, 'mnist-webgpu')), wasmRun = readRun(join(out, 'mnist-wasm'));
  const rows = [...(bench ? benchRows(bench) : []), ...mnistRows(gpuRun, wasmRun)];
  const summary = summarize(gpuRun, wasmRun);
  const runsOn = (bench?.backends ?? []).map((b) => b.description).join('; ') || 'bench.json absent';
  const largest = summary.largestTestLossDifference;
  const text = [
    `GPU check: ${runsOn}; ${bench ? `${bench.cores} cores (${bench.cpus})` : ''}`,
    '',
    formatTable(rows),
    '',
    `claims: ${summary.claimsAgree} of ${summary.claims} verdicts agree between webgpu and wasm; ` +
      `largest test-loss difference: ${largest ? `${Number((100 * largest.difference).toPrecision(2))}% (${largest.point})` : '–'}`,
  ].join('\n');
  writeFileSync(join(out, 'summary.md'), `${text}\n`);
  writeFileSync(join(out, 'summary.json'), `${JSON.stringify({rows, ...summary}, null, 2)}\n`);
  process.stdout.write(`${text}\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  if (process.argv.length !== 3) {
    process.stderr.write('usage: node tooling/gpu-check-table.mjs OUT (the folder tooling/gpu-check.sh wrote)\n');
    process.exit(2);
  }
  main(process.argv[2]);
}
