// `pnpm test:mutation [package …]`: StrykerJS mutation testing of the packages whose tests must
// pin every behaviour (default: latent, load, report's writers), one package after another,
// then the score of each. Not part of `pnpm test` or CI: a full run takes an hour or more on two
// cores. Reruns are incremental (only mutants whose code or tests changed run again);
// MUTATION_FULL=1 starts over, MUTATION_CONCURRENCY=1 leaves a core free.
// Reports: reports/mutation/<package>.html (every mutant, survivors highlighted) and .json.
import {execFileSync} from 'node:child_process';
import {existsSync, readFileSync} from 'node:fs';
import {join} from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const packages = process.argv.slice(2).length ? process.argv.slice(2) : ['latent', 'load', 'report'];
const run = (cmd, args, cwd) => execFileSync(cmd, args, {cwd, stdio: 'inherit'});

// The tests import other packages through their built dist/.
run(process.execPath, [join(root, 'node_modules', 'turbo', 'bin', 'turbo'), 'run', 'build', '--output-logs=errors-only',
  ...packages.map((p) => `--filter=@encoderless/${p}...`)], root);
const stryker = join(root, 'node_modules', '@stryker-mutator', 'core', 'bin', 'stryker.js');
for (const name of packages) {
  console.log(`\n=== mutation testing packages/${name}`);
  run(process.execPath, [stryker, 'run'], join(root, 'packages', name));
}

/** Stryker's mutation score: detected (killed or timed out) over all that a test could detect. */
function score(report) {
  const count = {};
  for (const file of Object.values(report.files)) for (const m of file.mutants) count[m.status] = (count[m.status] ?? 0) + 1;
  const detected = (count.Killed ?? 0) + (count.Timeout ?? 0);
  const valid = detected + (count.Survived ?? 0) + (count.NoCoverage ?? 0);
  return {score: (100 * detected) / valid, detected, valid, survived: count.Survived ?? 0, noCoverage: count.NoCoverage ?? 0};
}
console.log('\n| package | mutation score | detected / valid | survived | no coverage |\n| --- | ---: | ---: | ---: | ---: |');
for (const name of packages) {
  const file = join(root, 'reports', 'mutation', `${name}.json`);
  if (!existsSync(file)) continue;
  const s = score(JSON.parse(readFileSync(file, 'utf8')));
  console.log(`| ${name} | ${s.score.toFixed(2)}% | ${s.detected} / ${s.valid} | ${s.survived} | ${s.noCoverage} |`);
}
