// TensorFlow.js's own jasmine specs (shipped in @tensorflow/tfjs-core's dist/) on our kernels.
//
// Our kernels are tested against tfjs-cpu on shapes we chose; these specs were written by
// the people who wrote tfjs's backends, on shapes they chose. The chosen spec files are bundled
// with esbuild and run under jasmine 3, each setup in its own process:
//
//   wasm         the wasm backend as tfjs ships it, with tfjs-core's own gradient registration;
//   wasm+ours    the wasm backend with registerGradients() + registerWasmKernels() instead;
//   cpu+ours     the cpu backend with registerGradients();
//   webgpu       tfjs-backend-webgpu as tfjs ships it (its own factory, on Dawn's GPU in Node),
//                with tfjs-core's own gradient registration;
//   webgpu+ours  the webgpu backend as useBackend('webgpu') starts it: registerGradients(),
//                our factory, registerWebGpuKernels().
//
// The wasm and cpu setups run the files of spec-files.json, the webgpu ones those of
// webgpu-spec-files.json. webgpu's specs read asynchronously (the test environment says
// isDataSync: false, so tfjs skips its sync-only specs): in Node the backend's dataSync needs
// OffscreenCanvas. Both webgpu setups run only when asked, with ENCODERLESS_TEST_WEBGPU=1 (CI
// sets it after installing a software GPU) or --setups naming them, and then fail where Dawn
// finds no GPU adapter (tooling/probe-webgpu.cjs); otherwise they are skipped, saying how to run
// them. Their known failures were listed on lavapipe: on another adapter a listed failure that
// passes is printed as a note.
//
// The run fails when a spec passes on a plain backend but not with our kernels, or fails on
// both but with another message (a regression); when a spec fails with ours that
// known-failures.json does not list for that backend (a new failure is never hidden); when a
// listed spec no longer fails (the list stays exact); and when the installed tfjs-core is not
// the version the lists were made for.
//
//   node tfjs-specs/run-tfjs-specs.mjs            the check (`pnpm test:tfjs-specs`)
//     --setups wasm,wasm+ours   only these setups     --files ops/tile_test.js,…   only these files
//     --json out.json           every spec's status and first message, per setup
//   node tfjs-specs/run-tfjs-specs.mjs --select   rewrite both selections: run ALL of tfjs-core's
//     spec files on wasm+ours and keep in spec-files.json those whose specs call a kernel
//     registerWasmKernels adds or replaces; run them all on cpu+ours and keep in
//     webgpu-spec-files.json those whose specs call a kernel of zoo-kernels.json (the kernels a
//     forward and backward pass of every zoo model and loss calls, written by
//     @encoderless/latent's zoo-gradients test: see its `about`). Both with the calls per kernel.
import {spawn, spawnSync} from 'node:child_process';
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

/** Each setup: its backend, whether our gradients and kernels are registered, the list of its spec files. */
const SETUPS = {
  wasm: {backend: 'wasm', ours: false, list: 'spec-files.json'},
  'wasm+ours': {backend: 'wasm', ours: true, list: 'spec-files.json'},
  'cpu+ours': {backend: 'cpu', ours: true, list: 'spec-files.json'},
  webgpu: {backend: 'webgpu', ours: false, list: 'webgpu-spec-files.json'},
  'webgpu+ours': {backend: 'webgpu', ours: true, list: 'webgpu-spec-files.json'},
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
 * Specs the plain webgpu setup leaves out (they show as skipped): each disposes a tensor while
 * reading it, which tfjs's webgpu backend fails asynchronously (keepDataDuringReads fixes it for
 * webgpu+ours, where they run): the rejection lands in whichever spec or suite runs when the
 * GPU's copy arrives, and a spec waiting for done() then waits for its timeout, so which specs
 * fail, and how long the run takes, would change from run to run.
 */
const PLAIN_WEBGPU_EXCLUDED = [
  'tensor.data test-webgpu {"WEBGPU_CPU_FORWARD":false} .data() postpones disposal of tensor',
  'tensor.data test-webgpu {"WEBGPU_CPU_FORWARD":false} calling .data() twice works (2 subscribers to a single read)',
];

/**
 * The bundle's entry, as CommonJS so that each require runs in this order: the test environment
 * is set before the first spec file calls describeWithFlags, the backend and kernels are
 * registered before any spec runs. `trace` ({path, backend, names?}): count kernel calls per
 * spec file instead (see trace-kernels.cjs).
 */
function entrySource({backend, ours}, files, trace) {
  const core = (path) => JSON.stringify(join(coreDir, 'dist', path));
  const src = (file) => JSON.stringify(join(pkgDir, 'src', file));
  // tfjs's own webgpu test environment turns WEBGPU_CPU_FORWARD off, so that small inputs run on
  // the GPU's kernels rather than on cpu's; ours reads asynchronously too (see the header).
  const testEnv = backend === 'webgpu'
    ? {name: 'test-webgpu', backendName: 'webgpu', flags: {WEBGPU_CPU_FORWARD: false}, isDataSync: false}
    : {name: `test-${backend}`, backendName: backend, isDataSync: true};
  const lines = [
    `require(${core('jasmine_util.js')}).setTestEnvs([${JSON.stringify(testEnv)}]);`,
    `const tf = require(${core('index.js')});`,
    `require(${core('public/chained_ops/register_all_chained_ops.js')});`,
  ];
  if (backend === 'wasm') {
    lines.push(`require('@tensorflow/tfjs-backend-wasm').setWasmPaths(${JSON.stringify(wasmOutDir + '/')});`);
  } else if (backend === 'cpu') {
    lines.push(`require('@tensorflow/tfjs-backend-cpu');`);
  } else if (ours) {
    lines.push(`const webgpu = require('@tensorflow/tfjs-backend-webgpu');`);
  } else {
    // tfjs's package registers its backend on import only where navigator.gpu exists: Dawn's
    // GPU comes first, set up as useBackend sets it up (loadGpu sets navigator.gpu and the
    // WebGPU globals before it returns).
    lines.push(`const gpu = require(${src('backend-packages.ts')}).loadGpu();`, `require('@tensorflow/tfjs-backend-webgpu');`);
  }
  let start = `await tf.setBackend('${backend}');`;
  if (ours) {
    lines.push(`const ours = require(${src('index.ts')});`);
    if (backend === 'webgpu') {
      // What a user's useBackend('webgpu') does: gradients, the GPU, our factory and kernels.
      start = `await ours.useBackend('webgpu', {module: webgpu});`;
    } else {
      const register = `() => { ours.registerGradients(); ${backend === 'wasm' ? 'ours.registerWasmKernels();' : ''} }`;
      lines.push(trace
        ? `const specFile = require(${JSON.stringify(join(here, 'trace-kernels.cjs'))}).traceKernels(tf, ` +
          `{backend: ${JSON.stringify(trace.backend)}, register: ${register}, names: ${JSON.stringify(trace.names)}}, ${JSON.stringify(trace.path)});`
        : `(${register})();`);
    }
  } else {
    lines.push(`require(${core('register_all_gradients.js')});`);
    if (backend === 'webgpu') {
      start = `await gpu; ${start}`;
      const excluded = JSON.stringify(PLAIN_WEBGPU_EXCLUDED);
      lines.push(`jasmine.getEnv().configure({specFilter: (spec) => !${excluded}.includes(spec.getFullName())});`);
    }
  }
  lines.push(`beforeAll(async () => { ${start} await tf.ready(); });`);
  for (const file of files) lines.push(`${trace ? `specFile(${JSON.stringify(file)}); ` : ''}require(${core(file)});`);
  return lines.join('\n');
}

async function bundle(name, files, trace) {
  const outfile = join(cacheDir, `${name.replace('+', '-')}${trace ? '-trace' : ''}.cjs`);
  await build({
    stdin: {contents: entrySource(SETUPS[name], files, trace), resolveDir: pkgDir, sourcefile: `tfjs-specs-${name}.js`, loader: 'js'},
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
    // jasmine_util requires jasmine-core; it must be the one the jasmine runner uses. webgpu
    // (Dawn) is a native addon: Node loads it from the package.
    external: ['jasmine-core', 'jasmine-core/*', 'webgpu'],
    logLevel: 'error',
  });
  return outfile;
}

/**
 * How a setup's child process runs. webgpu: on a software GPU (Mesa's lavapipe) LLVM compiles each
 * of tfjs's shaders, about 1 s apiece with its optimisation passes and a sixth of that without
 * (GALLIVM_PERF=nopt; a GPU driver ignores it), and Mesa keeps the result in its shader cache
 * (~/.cache/mesa_shader_cache_db), so a second run compiles nothing. A spec that never calls
 * done() waits for the timeout: tfjs's own 20 s on webgpu, 60 s elsewhere (the test command
 * shares two cores with other packages).
 */
function childOptions(name) {
  if (SETUPS[name].backend !== 'webgpu') return {timeoutMs: 60_000, env: process.env};
  return {timeoutMs: 20_000, env: {...process.env, GALLIVM_PERF: process.env.GALLIVM_PERF ?? 'nopt'}};
}

/** Run one bundle in a child process; resolves to its specs' {name, status, message}. */
function runBundle(name, file) {
  const resultPath = file.replace(/\.cjs$/, '.json');
  rmSync(resultPath, {force: true});
  const {timeoutMs, env} = childOptions(name);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(here, 'run-bundle.cjs'), file, resultPath, String(timeoutMs)], {stdio: ['ignore', 'pipe', 'pipe'], env});
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

/**
 * What Dawn finds here: `{adapter}` (its info), or `{absent}` with why no webgpu setup can run (no
 * `webgpu` package, no Vulkan driver …). The probe every webgpu test of the repository asks, in a
 * child process, so that this one never loads Dawn.
 */
function probeWebGpu() {
  const probe = spawnSync(process.execPath, [join(pkgDir, '..', '..', 'tooling', 'probe-webgpu.cjs')], {encoding: 'utf8', timeout: 60_000});
  const line = probe.stdout?.trim().split('\n').pop() ?? '';
  if (!line.startsWith('{')) return {absent: `the probe failed (exit ${probe.status}): ${probe.stderr?.trim().split('\n').pop()}`};
  return JSON.parse(line);
}

/** The webgpu known failures were listed on this adapter (what tooling/install-software-gpu.sh installs). */
const LISTED_ON = /llvmpipe/;

/** Run every spec file with `trace`; resolves to {file: {kernel: calls}} of the files that called one. */
async function traceAll(name, trace) {
  const specs = await runBundle(name, await bundle(name, allSpecFiles(), trace));
  const calls = JSON.parse(readFileSync(trace.path, 'utf8'));
  delete calls['(none)'];
  return {specs: specs.length, files: Object.fromEntries(Object.keys(calls).sort().map((f) => [f, calls[f]]))};
}

async function select() {
  const started = Date.now();
  const zoo = readList('zoo-kernels.json');
  const [wasm, webgpu] = await Promise.all([
    traceAll('wasm+ours', {backend: 'wasm', path: join(cacheDir, 'kernel-calls-wasm.json')}),
    // Traced on cpu: which kernels a spec calls does not depend on the backend, and this runs
    // where no GPU is.
    traceAll('cpu+ours', {backend: 'cpu', names: Object.keys(zoo.kernels), path: join(cacheDir, 'kernel-calls-zoo.json')}),
  ]);
  const write = (name, about, files) => writeFileSync(listPath(name), JSON.stringify({about, tfjsVersion, files}, null, 2) + '\n');
  write('spec-files.json', 'The tfjs-core spec files whose specs call a wasm kernel that registerWasmKernels adds or replaces, ' +
    'with the calls per kernel on wasm+ours. Written by `node tfjs-specs/run-tfjs-specs.mjs --select`.', wasm.files);
  write('webgpu-spec-files.json', 'The tfjs-core spec files whose specs call a kernel of zoo-kernels.json (one that a zoo model, ' +
    'a loss, Adam or the latent table calls), with the calls per kernel on cpu+ours; the webgpu setups run them. ' +
    'Written by `node tfjs-specs/run-tfjs-specs.mjs --select`.', webgpu.files);
  const all = allSpecFiles().length;
  console.log(`tfjs-specs --select: ${Object.keys(wasm.files).length} of ${all} spec files call our wasm kernels, ` +
    `${Object.keys(webgpu.files).length} call a kernel of the zoo (${wasm.specs} + ${webgpu.specs} specs ran, ` +
    `${((Date.now() - started) / 1000).toFixed(1)} s); wrote spec-files.json and webgpu-spec-files.json`);
}

async function check() {
  const known = readList('known-failures.json');
  let setupNames = flags.setups ? flags.setups.split(',') : Object.keys(SETUPS);
  for (const name of setupNames) {
    if (!(name in SETUPS)) throw new Error(`tfjs-specs: unknown setup '${name}'; expected one of ${Object.keys(SETUPS).join(', ')}`);
  }
  const gpuSetups = setupNames.filter((name) => SETUPS[name].backend === 'webgpu');
  // The webgpu setups run when asked (ENCODERLESS_TEST_WEBGPU=1, as CI does, or --setups naming
  // them): a GPU's results depend on its driver, and a software one takes minutes.
  const asked = process.env.ENCODERLESS_TEST_WEBGPU === '1' || (flags.setups ?? '').includes('webgpu');
  const probe = gpuSetups.length > 0 && asked ? probeWebGpu() : undefined;
  if (probe?.absent !== undefined) {
    // Asked for and absent: a skip would hide that they never ran.
    console.error(`tfjs-specs: the setups ${gpuSetups.join(', ')} were asked for but cannot run here: ${probe.absent}`);
    process.exit(1);
  }
  if (gpuSetups.length > 0 && !asked) {
    console.log(`tfjs-specs: skipping setups ${gpuSetups.join(', ')}: they run with ENCODERLESS_TEST_WEBGPU=1 ` +
      '(on a GPU adapter; bash tooling/install-software-gpu.sh installs a software one)');
    setupNames = setupNames.filter((name) => !gpuSetups.includes(name));
  }
  // On an adapter other than the one the list was made on, a listed failure that passes is a
  // note, not a failure (precision and driver limits differ between GPUs).
  const otherAdapter = probe?.adapter !== undefined && !LISTED_ON.test(probe.adapter.description ?? '');
  if (otherAdapter) console.log(`tfjs-specs: webgpu on ${probe.adapter.description}; its known failures were listed on lavapipe`);
  const lists = {};
  const filesOf = (name) => flags.files ? flags.files.split(',') : Object.keys((lists[SETUPS[name].list] ??= readList(SETUPS[name].list)).files);
  const started = Date.now();
  const bundles = await Promise.all(setupNames.map((name) => bundle(name, filesOf(name))));
  const results = {};
  // The webgpu setups one after the other in a lane of their own: on a software GPU compiling the
  // shaders is most of their time, and the second finds the first's in Mesa's shader cache
  // (together, both compiled every shader). The other setups share the remaining workers.
  const jobs = setupNames.map((name, i) => [name, bundles[i]]);
  const gpuLane = jobs.filter(([name]) => SETUPS[name].backend === 'webgpu').sort(([a]) => (SETUPS[a].ours ? -1 : 1));
  const cpuLane = jobs.filter(([name]) => SETUPS[name].backend !== 'webgpu');
  const runLane = async (lane) => {
    for (let job = lane.shift(); job; job = lane.shift()) {
      const t = Date.now();
      results[job[0]] = byName(await runBundle(...job));
      console.log(`tfjs-specs: ${job[0]}: ${results[job[0]].size} specs in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    }
  };
  const cpuWorkers = Math.max(1, availableParallelism() - (gpuLane.length > 0 ? 1 : 0));
  await Promise.all([runLane(gpuLane), ...Array.from({length: Math.min(cpuWorkers, cpuLane.length)}, () => runLane(cpuLane))]);

  const problems = [];
  const count = (m, status) => [...m.values()].filter((s) => s.status === status).length;
  const failing = (m) => [...m].filter(([, s]) => s.status === 'failed').map(([k]) => k);
  const knownOf = (name) => known[SETUPS[name].backend] ?? {};
  console.log(`tfjs-specs: @tensorflow/tfjs-core ${tfjsVersion}, ` +
    [...new Set(setupNames.map((name) => `${filesOf(name).length} spec files for ${SETUPS[name].list}`))].join(', '));
  console.log('| setup | specs | passed | failed | of which known | skipped |\n|---|---:|---:|---:|---:|---:|');
  for (const name of setupNames) {
    const m = results[name];
    const [passed, failed] = [count(m, 'passed'), count(m, 'failed')];
    const listed = failing(m).filter((k) => k in knownOf(name)).length;
    console.log(`| ${name} | ${m.size} | ${passed} | ${failed} | ${listed} | ${m.size - passed - failed} |`);
  }

  const regressions = new Set(); // `${setup}: ${spec}`, reported once, as a regression
  for (const backend of new Set(setupNames.map((name) => SETUPS[name].backend))) {
    const [plain, ours] = [results[backend], results[`${backend}+ours`]];
    if (!plain || !ours) continue;
    const fixed = failing(plain).filter((k) => ours.get(k)?.status === 'passed');
    const broken = [...plain].filter(([k, s]) => s.status === 'passed' && ours.get(k)?.status !== 'passed').map(([k]) => k);
    console.log(`tfjs-specs: with our kernels ${fixed.length} specs pass that fail on plain ${backend}; ${broken.length} pass only on plain ${backend}`);
    for (const k of broken) {
      regressions.add(`${backend}+ours: ${k}`);
      problems.push(`${backend}+ours: '${k}' passes on plain ${backend} but ${ours.has(k) ? `fails with our kernels: ${ours.get(k).message}` : 'did not run'}`);
    }
    // A known failure must stay the same failure: ours must not fail first, for another reason.
    for (const k of failing(plain).filter((k) => ours.get(k)?.status === 'failed' && ours.get(k).message !== plain.get(k).message)) {
      regressions.add(`${backend}+ours: ${k}`);
      problems.push(`${backend}+ours: '${k}' fails differently with our kernels: ${ours.get(k).message} (plain ${backend}: ${plain.get(k).message})`);
    }
    const missing = [...plain.keys()].filter((k) => !ours.has(k));
    if (missing.length > 0) problems.push(`${backend}+ours: ${missing.length} specs of plain ${backend} did not run, e.g. '${missing[0]}'`);
  }
  for (const name of setupNames.filter((n) => SETUPS[n].ours)) {
    const m = results[name];
    const list = knownOf(name);
    for (const [k, reason] of Object.entries(list)) {
      if (!(reason in known.reasons)) problems.push(`known-failures.json: '${k}' gives reason '${reason}', which 'reasons' does not explain`);
    }
    for (const k of failing(m)) {
      if (!(k in list) && !regressions.has(`${name}: ${k}`)) problems.push(`${name}: '${k}' fails and is not in known-failures.json: ${m.get(k).message}`);
    }
    if (flags.files) continue; // a subset of the files cannot tell a stale entry from a spec it did not run
    for (const k of Object.keys(list)) {
      if (m.get(k)?.status !== 'failed') {
        const stale = `${name}: '${k}' is in known-failures.json but ${m.has(k) ? m.get(k).status : 'did not run'}`;
        if (otherAdapter && SETUPS[name].backend === 'webgpu') console.log(`tfjs-specs: note: ${stale} on this adapter`);
        else problems.push(`${stale}; remove it`);
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
