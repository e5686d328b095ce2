// Compares two finished runs of one experiment with the same settings on two backends (a
// reference, e.g. wasm, and a candidate, e.g. webgpu): every record's test loss within a relative
// tolerance, and the same verdict for every claim of the paper the report checks.
//
//   node tooling/compare-backends.mjs REFERENCE_RUN CANDIDATE_RUN [--rtol 0.01] [--markdown FILE]
//
// Prints one table (record, both test losses, relative difference) and the claims side by side;
// exits 1 when a loss differs by more than --rtol, a verdict differs, or the runs are not two runs
// of the same sweep. Test losses are compared, not training losses: they are what the reports'
// tables and claims are made of.
import {readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {parseArgs} from 'node:util';

const {values: flags, positionals} = parseArgs({
  allowPositionals: true,
  options: {rtol: {type: 'string', default: '0.01'}, markdown: {type: 'string'}},
});
if (positionals.length !== 2) {
  console.error('usage: node tooling/compare-backends.mjs REFERENCE_RUN CANDIDATE_RUN [--rtol 0.01] [--markdown FILE]');
  process.exit(2);
}
const rtol = Number(flags.rtol);
if (!(rtol >= 0)) {
  console.error(`compare-backends: --rtol must be a number ≥ 0, got '${flags.rtol}'`);
  process.exit(2);
}

function readRun(dir) {
  const read = (name) => {
    try {
      return readFileSync(join(dir, name), 'utf8');
    } catch (err) {
      console.error(`compare-backends: ${join(dir, name)}: cannot read it (${err.code ?? err.message}); is ${dir} a finished run?`);
      process.exit(2);
    }
  };
  const results = JSON.parse(read('results.json'));
  const timings = JSON.parse(read('timings.json'));
  // Claim lines are written by formatClaim: `*"claim"* — detail: **verdict**.`
  const claims = [...read('report.md').matchAll(/^(?:\d+\. |- )?\*"(.+?)"\* — .*: \*\*(held|did not hold|not tested)\*\*\.$/gm)]
    .map((m) => ({claim: m[1], verdict: m[2]}));
  return {dir, results, timings, claims};
}

/** What names a record: every field that is not a measurement (strings, and the integer sizes). */
function identity(record) {
  const keys = Object.keys(record).filter((k) => typeof record[k] === 'string' || ['samples', 'epochs', 'perClass', 'seedIndex'].includes(k));
  return keys.sort().map((k) => `${k}=${record[k]}`).join(' ');
}

const canonical = (value) => JSON.stringify(value, (_, v) => (v && typeof v === 'object' && !Array.isArray(v)
  ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]])) : v));

const ref = readRun(positionals[0]), cand = readRun(positionals[1]);
const problems = [];
if (ref.results.experiment !== cand.results.experiment) problems.push(`different experiments: ${ref.results.experiment} and ${cand.results.experiment}`);
if (ref.results.preset !== cand.results.preset) problems.push(`different presets: ${ref.results.preset} and ${cand.results.preset}`);
if (canonical(ref.results.config) !== canonical(cand.results.config)) problems.push('different settings (config in results.json): not two runs of the same sweep');
if (ref.results.data?.sha256 !== cand.results.data?.sha256) problems.push('different data (data.sha256 in results.json)');

const rows = [];
const byIdentity = new Map(cand.results.records.map((r) => [identity(r), r]));
for (const r of ref.results.records) {
  const key = identity(r);
  const c = byIdentity.get(key);
  if (c === undefined) {
    problems.push(`record ${key}: missing from ${cand.dir}`);
    continue;
  }
  byIdentity.delete(key);
  if (typeof r.testLoss !== 'number') continue;
  // Relative to the reference; a reference loss of 0 allows only an exact 0.
  const diff = r.testLoss === 0 ? (c.testLoss === 0 ? 0 : Infinity) : Math.abs(c.testLoss - r.testLoss) / Math.abs(r.testLoss);
  const ok = Number.isFinite(c.testLoss) && diff <= rtol;
  if (!ok) problems.push(`record ${key}: test loss ${c.testLoss} against ${r.testLoss}, relative difference ${diff.toExponential(2)} > ${rtol}`);
  rows.push({key, ref: r.testLoss, cand: c.testLoss, diff, ok});
}
for (const key of byIdentity.keys()) problems.push(`record ${key}: only in ${cand.dir}`);
// Nothing compared is no agreement.
if (rows.length === 0) problems.push(`no record with a test loss in ${ref.dir}/results.json to compare`);
if (ref.claims.length === 0) problems.push(`no claim line in ${ref.dir}/report.md to compare`);
if (ref.claims.length !== cand.claims.length) problems.push(`${ref.claims.length} claim lines in ${ref.dir}/report.md, ${cand.claims.length} in ${cand.dir}/report.md`);
const claims = ref.claims.map((c, i) => ({claim: c.claim, ref: c.verdict, cand: cand.claims[i]?.verdict ?? '(missing)'}));
for (const c of claims) if (c.ref !== c.cand) problems.push(`claim "${c.claim.slice(0, 60)}…": ${c.ref} on the reference, ${c.cand} on the candidate`);

const name = (run) => `${run.results.backend}${run.timings.adapter ? ` (${run.timings.adapter})` : ''}`;
const seconds = (run) => (run.timings.wallSeconds === undefined ? '–' : `${run.timings.wallSeconds.toFixed(0)} s`);
const lines = [
  `${ref.results.experiment}, preset ${ref.results.preset}: reference ${name(ref)}, ${seconds(ref)}; candidate ${name(cand)}, ${seconds(cand)}`,
  '',
  `| record | test loss, ${ref.results.backend} | test loss, ${cand.results.backend} | relative difference | within ${rtol} |`,
  '|---|---:|---:|---:|:-:|',
  ...rows.map((r) => `| ${r.key} | ${r.ref.toPrecision(6)} | ${r.cand.toPrecision(6)} | ${r.diff.toExponential(2)} | ${r.ok ? 'yes' : '**no**'} |`),
  '',
  `| claim | ${ref.results.backend} | ${cand.results.backend} |`,
  '|---|---|---|',
  ...claims.map((c) => `| ${(c.claim.length > 90 ? `${c.claim.slice(0, 87)}…` : c.claim).replaceAll('|', '\\|')} | ${c.ref} | ${c.cand} |`),
  '',
  `worst relative difference of a test loss: ${rows.length ? Math.max(...rows.map((r) => r.diff)).toExponential(2) : '–'}; ` +
    `claims: ${claims.filter((c) => c.ref === c.cand).length} of ${claims.length} verdicts the same`,
];
console.log(lines.join('\n'));
if (flags.markdown) writeFileSync(flags.markdown, `${lines.join('\n')}\n`);
for (const p of problems) console.error(`FAIL ${p}`);
console.log(problems.length ? `compare-backends: ${problems.length} problem(s)` : 'compare-backends: the runs agree');
process.exit(problems.length ? 1 : 0);
