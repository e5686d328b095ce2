// TensorFlow.js's own jasmine specs (shipped in @tensorflow/tfjs-core's dist/) on our kernels.
//
// Our wasm kernels are tested against tfjs-cpu on shapes we chose; these specs were written by
// the people who wrote tfjs's backends, on shapes they chose. The spec files of spec-files.json
// are bundled with esbuild and run under jasmine 3, each setup in its own process:
//
//   wasm       the wasm backend as tfjs ships it, with tfjs-core's own gradient registration;
//   wasm+ours  the wasm backend with registerGradients() + registerWasmKernels() instead;
//   cpu+ours   the cpu backend with registerGradients().
//
// The run fails when a spec passes on plain wasm but not with our kernels, or fails on both
// but with another message (a regression); when a spec fails with ours that known-failures.json does not list for that backend (a new failure
// is never hidden); when a listed spec no longer fails (the list stays exact); and when the
// installed tfjs-core is not the version both lists were made for.
//
//   node tfjs-specs/run-tfjs-specs.mjs            the check (`pnpm test:tfjs-specs`)
//     --setups wasm,wasm+ours   only these setups     --files ops/tile_test.js,…   only these files
//     --json out.json           every spec's status and first message, per setup
//   node tfjs-specs/run-tfjs-specs.mjs --select   rewrite spec-files.json: run ALL of tfjs-core's
//     spec files on wasm+ours and keep those whose specs call a kernel registerWasmKernels adds
//     or replaces, with the number of calls per kernel.
import {spawn} from 'node:child_process';
import {mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {availableParallelism} from 'node:os';
import {dirname, join, relative} from 'node:path';
import {parseArgs} from 'node:util';
import {build} from 'esbuild';

const here = dirname(new URL(import.meta.url).pathname);
const pkgDir = dirname(here);
const require = createRequire(join(pkgDir, 'package.json'));
const coreDir = dirname(require.resolve('@tensorflow/tfjs-core/package.json'));
const wasmOutDir = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'wasm-out');
const cacheDir = join(pkgDir, 'node_modules', '.cache', 'tfjs-specs');
const tfjsVersion = JSON.parse(readFileSync(join(coreDir, 'package.json'), 'utf8')).version;

const SETUPS = {
  wasm: {backend: 'wasm', ours: false},
  'wasm+ours': {backend: 'wasm', ours: true},
  'cpu+ours': {backend: 'cpu', ours: true},
};

const {values: flags} = parseArgs({options: {
  setups: {type: 'string'}, files: {type: 'string'}, json: {type: 'string'}, select: {type: 'boolean'},
}});
const listPath = (name) => join(here, name);
const readList = (name) => {
  const list = JSON.parse(readFileSync(listPath(name), 'utf8'));
  if (list.tfjsVersion !== tfjsVersion) {
    console.error(`tfjs-specs: ${name} was made for @tensorflow/tfjs-core ${list.tfjsVersion}, but ${tfjsVersion} is ` +
      `installed; run \`node tfjs-specs/run-tfjs-specs.mjs --select\`, then the suite, and check every spec it reports`);
    process.exit(1);
  }
  return list;
};

/**
 * The bundle's entry, as CommonJS so that each require runs in this order: the test environment
 * is set before the first spec file calls describeWithFlags, the backend and kernels are
 * registered before any spec runs.
 */
function entrySource({backend, ours}, files, tracePath) {
  const core = (path) => JSON.stringify(join(coreDir, 'dist', path));
  const lines = [
    `require(${core('jasmine_util.js')}).setTestEnvs([{name: 'test-${backend}', backendName: '${backend}', isDataSync: true}]);`,
    `const tf = require(${core('index.js')});`,
    `require(${core('public/chained_ops/register_all_chained_ops.js')});`,
    backend === 'wasm'
      ? `require('@tensorflow/tfjs-backend-wasm').setWasmPaths(${JSON.stringify(wasmOutDir + '/')});`
      : `require('@tensorflow/tfjs-backend-cpu');`,
  ];
  if (ours) {
    lines.push(`const ours = require(${JSON.stringify(join(pkgDir, 'src', 'index.ts'))});`);
    const register = `() => { ours.registerGradients(); ${backend === 'wasm' ? 'ours.registerWasmKernels();' : ''} }`;
    lines.push(tracePath
      ? `const specFile = require(${JSON.stringify(join(here, 'trace-kernels.cjs'))}).traceKernels(tf, ${register}, ${JSON.stringify(tracePath)});`
      : `(${register})();`);
  } else {
    lines.push(`require(${core('register_all_gradients.js')});`);
  }
  lines.push(`beforeAll(async () => { await tf.setBackend('${backend}'); await tf.ready(); });`);
  for (const file of files) lines.push(`${tracePath ? `specFile(${JSON.stringify(file)}); ` : ''}require(${core(file)});`);
  return lines.join('\n');
}

async function bundle(name, files, tracePath) {
  const outfile = join(cacheDir, `${name.replace('+', '-')}${tracePath ? '-trace' : ''}.cjs`);
  await build({
    stdin: {contents: entrySource(SETUPS[name], files, tracePath), resolveDir: pkgDir, sourcefile: `tfjs-specs-${name}.js`, loader: 'js'},
    bundle: true,
    platform: 'node',
    format: 'cjs',
    outfile,
    // The ESM tree of every tfjs package, never tf-core.node.js: the specs (ESM only), the
    // backend and our kernels must share ONE tfjs-core instance and its kernel registry.
    mainFields: ['module', 'main'],
    // tfjs-core's package.json marks only a few files as having side effects; esbuild would
    // otherwise drop every *_test module (they export nothing) and no spec would run.
    ignoreAnnotations: true,
    // jasmine_util requires jasmine-core; it must be the one the jasmine runner uses.
    external: ['jasmine-core', 'jasmine-core/*'],
    logLevel: 'error',
  });
  return outfile;
}

/** Run one bundle in a child process; resolves to its specs' {name, status, message}. */
function runBundle(name, file) {
  const resultPath = file.replace(/\.cjs$/, '.json');
  rmSync(resultPath, {force: true});
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(here, 'run-bundle.cjs'), file, resultPath], {stdio: ['ignore', 'pipe', 'pipe']});
    let output = '';
    child.stdout.on('data', (d) => { output += d; });
    child.stderr.on('data', (d) => { output += d; });
    child.on('close', (code) => {
      try {
        resolve(JSON.parse(readFileSync(resultPath, 'utf8')));
      } catch {
        reject(new Error(`tfjs-specs: setup ${name} stopped (exit ${code}) before reporting:\n${output.slice(-4000)}`));
      }
    });
  });
}

/** name → {status, message}; a name repeated in one run gets ' #2', ' #3' … */
function byName(specs) {
  const out = new Map();
  for (const s of specs) {
    let key = s.name;
    for (let i = 2; out.has(key); i++) key = `${s.name} #${i}`;
    out.set(key, s);
  }
  return out;
}

/** Every *_test.js of tfjs-core's dist, relative to it. */
function allSpecFiles(dir = join(coreDir, 'dist')) {
  return readdirSync(dir, {withFileTypes: true, recursive: true})
    .filter((e) => e.isFile() && e.name.endsWith('_test.js'))
    .map((e) => relative(join(coreDir, 'dist'), join(e.parentPath ?? e.path, e.name)))
    .sort();
}

async function select() {
  const tracePath = join(cacheDir, 'kernel-calls.json');
  const started = Date.now();
  const specs = await runBundle('wasm+ours', await bundle('wasm+ours', allSpecFiles(), tracePath));
  const calls = JSON.parse(readFileSync(tracePath, 'utf8'));
  delete calls['(none)'];
  const files = Object.fromEntries(Object.keys(calls).sort().map((f) => [f, calls[f]]));
  writeFileSync(listPath('spec-files.json'), JSON.stringify({
    about: 'The tfjs-core spec files whose specs call a wasm kernel that registerWasmKernels adds or replaces, ' +
      'with the calls per kernel on wasm+ours. Written by `node tfjs-specs/run-tfjs-specs.mjs --select`.',
    tfjsVersion,
    files,
  }, null, 2) + '\n');
  console.log(`tfjs-specs --select: ${Object.keys(files).length} of ${allSpecFiles().length} spec files call our kernels ` +
    `(${specs.length} specs ran, ${((Date.now() - started) / 1000).toFixed(1)} s); wrote spec-files.json`);
}

async function check() {
  const selection = readList('spec-files.json');
  const known = readList('known-failures.json');
  const files = flags.files ? flags.files.split(',') : Object.keys(selection.files);
  const setupNames = flags.setups ? flags.setups.split(',') : Object.keys(SETUPS);
  for (const name of setupNames) {
    if (!(name in SETUPS)) throw new Error(`tfjs-specs: unknown setup '${name}'; expected one of ${Object.keys(SETUPS).join(', ')}`);
  }
  const started = Date.now();
  const bundles = await Promise.all(setupNames.map((name) => bundle(name, files)));
  const results = {};
  const queue = setupNames.map((name, i) => [name, bundles[i]]);
  await Promise.all(Array.from({length: Math.min(availableParallelism(), queue.length)}, async () => {
    for (let job = queue.shift(); job; job = queue.shift()) {
      const t = Date.now();
      results[job[0]] = byName(await runBundle(...job));
      console.log(`tfjs-specs: ${job[0]}: ${results[job[0]].size} specs in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    }
  }));

  const problems = [];
  const count = (m, status) => [...m.values()].filter((s) => s.status === status).length;
  const failing = (m) => [...m].filter(([, s]) => s.status === 'failed').map(([k]) => k);
  console.log(`tfjs-specs: @tensorflow/tfjs-core ${tfjsVersion}, ${files.length} spec files`);
  console.log('| setup | specs | passed | failed | skipped |\n|---|---:|---:|---:|---:|');
  for (const name of setupNames) {
    const m = results[name];
    const [passed, failed] = [count(m, 'passed'), count(m, 'failed')];
    console.log(`| ${name} | ${m.size} | ${passed} | ${failed} | ${m.size - passed - failed} |`);
  }

  const [plain, ours] = [results.wasm, results['wasm+ours']];
  const regressions = new Set();
  if (plain && ours) {
    const fixed = failing(plain).filter((k) => ours.get(k)?.status === 'passed');
    const broken = [...plain].filter(([k, s]) => s.status === 'passed' && ours.get(k)?.status !== 'passed').map(([k]) => k);
    console.log(`tfjs-specs: with our kernels ${fixed.length} specs pass that fail on plain wasm; ${broken.length} pass only on plain wasm`);
    for (const k of broken) {
      regressions.add(k);
      problems.push(`wasm+ours: '${k}' passes on plain wasm but ${ours.has(k) ? `fails with our kernels: ${ours.get(k).message}` : 'did not run'}`);
    }
    // A known failure must stay the same failure: ours must not fail first, for another reason.
    for (const k of failing(plain).filter((k) => ours.get(k)?.status === 'failed' && ours.get(k).message !== plain.get(k).message)) {
      regressions.add(k);
      problems.push(`wasm+ours: '${k}' fails differently with our kernels: ${ours.get(k).message} (plain wasm: ${plain.get(k).message})`);
    }
    const missing = [...plain.keys()].filter((k) => !ours.has(k));
    if (missing.length > 0) problems.push(`wasm+ours: ${missing.length} specs of plain wasm did not run, e.g. '${missing[0]}'`);
  }
  for (const name of setupNames.filter((n) => SETUPS[n].ours)) {
    const m = results[name];
    const list = known[SETUPS[name].backend];
    for (const [k, reason] of Object.entries(list)) {
      if (!(reason in known.reasons)) problems.push(`known-failures.json: '${k}' gives reason '${reason}', which 'reasons' does not explain`);
    }
    for (const k of failing(m)) {
      if (!(k in list) && !(name === 'wasm+ours' && regressions.has(k))) problems.push(`${name}: '${k}' fails and is not in known-failures.json: ${m.get(k).message}`);
    }
    if (flags.files) continue; // a subset of the files cannot tell a stale entry from a spec it did not run
    for (const k of Object.keys(list)) {
      if (m.get(k)?.status !== 'failed') {
        problems.push(`${name}: '${k}' is in known-failures.json but ${m.has(k) ? m.get(k).status : 'did not run'}; remove it`);
      }
    }
  }

  if (flags.json) {
    writeFileSync(flags.json, JSON.stringify(Object.fromEntries(setupNames.map((n) => [n, Object.fromEntries(results[n])])), null, 1));
  }
  console.log(`tfjs-specs: ${((Date.now() - started) / 1000).toFixed(1)} s in all`);
  for (const p of problems) console.error(`FAIL ${p}`);
  process.exitCode = problems.length > 0 ? 1 : 0;
}

mkdirSync(cacheDir, {recursive: true});
await (flags.select ? select() : check());
