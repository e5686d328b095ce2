// Checks that the packages work in a browser, the way a page meets them: through a bundler.
//
// Every bundle is split as a page's bundler splits it (esbuild, ES modules, `splitting`, as Vite
// and Rollup do): a dynamic import becomes a chunk of its own that the browser fetches only when
// the import runs. Sizes are of the files a page fetches, each minified and gzipped on its own.
//
// 1. Each published package's main entry, bundled for `platform: 'browser'` with no plugin,
//    alias or stub and nothing external but its tfjs peers: the build fails if anything reached
//    from it imports a Node builtin. The bundle must be made of the packages' ES-module builds
//    (dist/esm), use the browser twin of every file package.json's "browser" field maps, and
//    carry no tfjs-layers. Its row is its first load (the chunks it imports on demand are not in
//    it).
// 2. The minimal wasm page (latent + one zoo model + backends, tfjs-core included): its first
//    load plus the chunks `useBackend('wasm')` imports (the wasm backend, tfjs-core's gradients)
//    must stay within BUDGET_GZIP_BYTES gzipped (README: "Browser"). Every other chunk it can
//    import on demand gets a row of its own: the webgpu backend, fetched only where a page
//    chooses webgpu.
// 3. That page, its chunks written to files, run in a Node process made to look like a page that
//    is not cross-origin isolated (window, document and fetch; no process, no SharedArrayBuffer):
//    useBackend('wasm', {wasmPaths}) fetches the .wasm from the given URL, a few epochs of
//    trainDecoder lower the loss, and the chunks it loaded are exactly those of the minimal wasm
//    page (the webgpu one stays unfetched). Not a browser (apps/playground's Chromium test is),
//    but it runs the browser twins.
//
// Prints each row's size raw (unminified), minified and gzipped (level 9).
import {spawnSync} from 'node:child_process';
import {mkdirSync, readFileSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {dirname, join, relative, sep} from 'node:path';
import {gzipSync} from 'node:zlib';

const root = new URL('..', import.meta.url).pathname;
const require = createRequire(join(root, 'package.json'));
const {build} = require('esbuild');

/**
 * Minified and gzipped, file by file, the minimal wasm page may grow to this (measured 123,264
 * bytes: see README).
 */
const BUDGET_GZIP_BYTES = 130_000;

const failures = [];
const fail = (message) => failures.push(message);
const packages = readdirSync(join(root, 'packages'))
  .map((dir) => ({dir: join(root, 'packages', dir), manifest: JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8'))}))
  .filter(({manifest}) => !manifest.private);

// A scratch project whose node_modules holds the packages as a user's would (links to the
// workspace's built packages; their own dependencies resolve from where they really are).
const project = join(root, 'node_modules', '.cache', 'browser-bundles');
rmSync(project, {recursive: true, force: true});
const link = (name, target) => {
  mkdirSync(dirname(join(project, 'node_modules', name)), {recursive: true});
  symlinkSync(target, join(project, 'node_modules', name), 'dir');
};
for (const {dir, manifest} of packages) link(manifest.name, dir);
const backends = packages.find(({manifest}) => manifest.name === '@encoderless/backends').dir;
for (const name of ['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-wasm']) {
  link(name, dirname(realpathSync(createRequire(join(backends, 'package.json')).resolve(`${name}/package.json`))));
}

/**
 * The output of one split build: `files` by name (each with its code and the inputs in it),
 * `first` (the entry and every chunk it imports statically: what loading the page fetches) and,
 * for each module imported dynamically (its input path), the files that import fetches beyond
 * `first`.
 */
function chunkGraph(result) {
  const name = (path) => path.split(/[\\/]/).pop();
  const code = new Map(result.outputFiles.map((f) => [name(f.path), f.contents]));
  const files = new Map();
  for (const [path, out] of Object.entries(result.metafile.outputs)) {
    files.set(name(path), {
      code: code.get(name(path)),
      inputs: Object.keys(out.inputs).map((p) => join(root, p)),
      statics: out.imports.filter((i) => !i.external && i.kind === 'import-statement').map((i) => name(i.path)),
      dynamics: out.imports.filter((i) => !i.external && i.kind === 'dynamic-import').map((i) => name(i.path)),
      entryPoint: out.entryPoint,
    });
  }
  const closure = (file) => {
    const seen = new Set(), queue = [file];
    while (queue.length) {
      const f = queue.pop();
      if (seen.has(f)) continue;
      seen.add(f);
      queue.push(...files.get(f).statics);
    }
    return seen;
  };
  const dynamic = new Set([...files.values()].flatMap((o) => o.dynamics));
  const first = closure([...files.keys()].find((f) => files.get(f).entryPoint !== undefined && !dynamic.has(f)));
  const onDemand = new Map();
  for (const f of dynamic) onDemand.set(files.get(f).entryPoint, new Set([...closure(f)].filter((c) => !first.has(c))));
  return {files, first, onDemand};
}

async function bundle({entry, external = [], minify}) {
  const file = join(project, `${entry.name}.js`);
  writeFileSync(file, entry.contents);
  const result = await build({
    entryPoints: [file], outdir: join(project, 'out'), absWorkingDir: root, bundle: true, splitting: true, platform: 'browser', format: 'esm',
    minify, external, metafile: true, write: false, logLevel: 'silent',
  });
  return chunkGraph(result);
}

/**
 * Both builds of an entry (unminified and minified) and a `size(pick)` of any set of its files,
 * where `pick(graph)` chooses the set in either build (file names differ between the two).
 */
async function measure(options) {
  try {
    const raw = await bundle({...options, minify: false});
    const min = await bundle({...options, minify: true});
    const sum = (graph, set, bytes) => [...set].reduce((total, f) => total + bytes(graph.files.get(f).code), 0);
    const size = (pick) => ({
      raw: sum(raw, pick(raw), (c) => c.length),
      min: sum(min, pick(min), (c) => c.length),
      gzip: sum(min, pick(min), (c) => gzipSync(c, {level: 9}).length),
    });
    return {graph: min, inputs: [...min.files.values()].flatMap((f) => f.inputs), size};
  } catch (err) {
    return {error: (err.errors ?? [err]).map((e) => e.location ? `${e.location.file}:${e.location.line}: ${e.text}` : e.text ?? String(e)).join('\n  ')};
  }
}

/** What every bundle of ours must satisfy, whatever it contains. */
function checkInputs(label, inputs) {
  for (const {dir, manifest} of packages) {
    const ours = inputs.filter((p) => p.startsWith(dir + sep));
    const notEsm = ours.filter((p) => !p.startsWith(join(dir, 'dist', 'esm') + sep));
    if (notEsm.length) fail(`${label}: takes ${manifest.name} from outside its ES-module build: ${notEsm.map((p) => relative(root, p)).join(', ')}`);
    for (const nodeFile of Object.keys(manifest.browser ?? {})) {
      const path = join(dir, nodeFile);
      if (ours.includes(path)) fail(`${label}: bundles ${relative(root, path)}, which package.json's "browser" field replaces for browsers`);
    }
  }
  const layers = inputs.filter((p) => p.includes(`${sep}@tensorflow${sep}tfjs-layers${sep}`));
  if (layers.length) fail(`${label}: bundles tfjs-layers (${layers.length} files), which only Node should load`);
}

const kb = (bytes) => `${(bytes / 1000).toFixed(1)} kB`;
const rows = [];

for (const {manifest} of packages) {
  const tfjsPeers = Object.keys(manifest.peerDependencies ?? {}).filter((name) => name.startsWith('@tensorflow/'));
  const entry = {name: manifest.name.replace(/\W+/g, '-'), contents: `export * from '${manifest.name}';`};
  const m = await measure({entry, external: tfjsPeers});
  if (m.error) {
    fail(`${manifest.name}: its main entry does not bundle for the browser:\n  ${m.error}`);
    continue;
  }
  checkInputs(manifest.name, m.inputs);
  rows.push([`${manifest.name} (main entry${tfjsPeers.length ? ', tfjs-core external' : ''})`, m.size((g) => g.first)]);
}

// The page the size budget is about: what the playground needs to train and fit in a browser.
const page = `
import * as tf from '@tensorflow/tfjs-core';
import {useBackend} from '@encoderless/backends';
import {createLatentTable, fitRepresentations, trainDecoder} from '@encoderless/latent';
import {createMnistDecoder} from '@encoderless/models';

export async function run(wasmPaths) {
  const info = await useBackend('wasm', {wasmPaths});
  const decoder = createMnistDecoder({latentDim: 4, seed: 1});
  const x = tf.randomUniform([16, 28, 28, 1], 0, 1, 'float32', 2);
  const table = createLatentTable({size: 16, dim: 4, seed: 3});
  const {history} = await trainDecoder({decoder, data: x, table, epochs: 4, batchSize: 8, loss: 'bce', seed: 4});
  const fitted = await fitRepresentations({decoder, data: x, dim: 4, epochs: 2, batchSize: 8, loss: 'bce', seed: 5});
  return {backend: tf.getBackend(), simd: info.simd, losses: history.map((h) => h.loss), fitted: fitted.loss};
}
`;

/** The modules the page imports on demand that the minimal wasm page loads, and the one it must not. */
const WASM = /[\\/]@tensorflow[\\/]tfjs-backend-wasm[\\/]/;
const GRADIENTS = /[\\/]@tensorflow[\\/]tfjs-core[\\/]dist[\\/]register_all_gradients\.js$/;
const WEBGPU = /[\\/]@tensorflow[\\/]tfjs-backend-webgpu[\\/]/;
/** Of a graph's on-demand modules, the files of the first whose path matches `pattern` (none if none). */
const onDemand = (graph, pattern) => [...graph.onDemand].find(([path]) => pattern.test(path))?.[1] ?? new Set();
/** The minimal wasm page: its first load, the wasm backend and tfjs-core's gradients. */
const wasmPage = (g) => new Set([...g.first, ...onDemand(g, WASM), ...onDemand(g, GRADIENTS)]);
/** What a page fetches beyond the minimal wasm page's first load and gradients for one on-demand module. */
const beyond = (pattern) => (g) => new Set([...onDemand(g, pattern)].filter((f) => !onDemand(g, GRADIENTS).has(f)));

const minimal = await measure({entry: {name: 'page', contents: page}});
let minimalGzip;
if (minimal.error) {
  fail(`minimal page (latent + models + backends): does not bundle for the browser:\n  ${minimal.error}`);
} else {
  checkInputs('minimal page', minimal.inputs);
  const cores = new Set(minimal.inputs.map((p) => p.match(/^(.*[\\/]@tensorflow[\\/]tfjs-core)[\\/]/)?.[1]).filter(Boolean));
  if (cores.size !== 1) fail(`minimal page: bundles ${cores.size} copies of tfjs-core, expected 1: ${[...cores].join(', ')}`);
  if (minimal.inputs.some((p) => /tfjs-backend-cpu[\\/]dist[\\/]backend_cpu\.js$/.test(p))) {
    fail('minimal page: bundles the cpu backend, which useBackend should load in a browser only when the page passes it');
  }
  const modules = [...minimal.graph.onDemand.keys()];
  for (const [label, pattern] of [['the wasm backend', WASM], ['tfjs-core\'s gradients', GRADIENTS], ['the webgpu backend', WEBGPU]]) {
    if (!modules.some((path) => pattern.test(path))) fail(`minimal page: ${label} is not a chunk of its own (imported on demand); on demand: ${modules.join(', ') || 'nothing'}`);
  }
  const total = minimal.size(wasmPage);
  minimalGzip = total.gzip;
  rows.push(['minimal wasm page: latent + models + backends + wasm, tfjs-core included', total]);
  rows.push(['  its first load', minimal.size((g) => g.first)]);
  rows.push(['  + the wasm backend (useBackend(\'wasm\') imports it)', minimal.size((g) => onDemand(g, WASM))]);
  rows.push(['  + tfjs-core\'s gradients (useBackend imports them)', minimal.size((g) => onDemand(g, GRADIENTS))]);
  rows.push(['the webgpu backend: fetched only where webgpu is chosen', minimal.size(beyond(WEBGPU))]);
  // esbuild assigns whole files to chunks: the tfjs-backend-cpu kernels that both backends import
  // through one file (its dist/shared.js) land in a chunk both fetch, the many that only webgpu
  // uses included.
  rows.push(['  (in both rows: the chunk the two backends share)', minimal.size((g) => new Set([...onDemand(g, WASM)].filter((f) => onDemand(g, WEBGPU).has(f))))]);
  for (const path of modules.filter((p) => ![WASM, GRADIENTS, WEBGPU].some((pattern) => pattern.test(p)))) {
    rows.push([`${path.split(/node_modules[\\/]/).pop()}: fetched only where the page uses it`, minimal.size((g) => g.onDemand.get(path))]);
  }
  if (total.gzip > BUDGET_GZIP_BYTES) {
    fail(`minimal wasm page: ${total.gzip} bytes gzipped, over the budget of ${BUDGET_GZIP_BYTES}: find what grew ` +
      '(esbuild --metafile) before raising the budget in tooling/check-browser-bundles.mjs and the README');
  }
  runAsPage(minimal.graph, wasmPage(minimal.graph));
}

/**
 * Writes the page's chunks to files, runs it in a child process that looks like a page, and
 * checks that it trains, fetching the .wasm from wasmPaths and loading exactly `expected`.
 */
function runAsPage(graph, expected) {
  const dir = join(project, 'page');
  rmSync(dir, {recursive: true, force: true});
  mkdirSync(dir);
  // Each file first records that it ran: the page's own record of the chunks it loaded.
  for (const [name, {code}] of graph.files) writeFileSync(join(dir, name), `globalThis.loadedChunks.push(${JSON.stringify(name)});\n${Buffer.from(code)}`);
  const entry = join(dir, [...graph.first].find((f) => graph.files.get(f).entryPoint?.endsWith('page.js')));
  const wasmDir = join(project, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist');
  const shim = `
    import {readFile} from 'node:fs/promises';
    const prefix = 'https://page.test/static/wasm/';
    const fetched = [];
    globalThis.loadedChunks = [];
    globalThis.window = globalThis;
    globalThis.document = {};
    globalThis.fetch = async (url) => {
      fetched.push(String(url));
      if (!String(url).startsWith(prefix)) return new Response(null, {status: 404});
      const bytes = await readFile(${JSON.stringify(wasmDir + sep)} + String(url).slice(prefix.length));
      return new Response(bytes, {headers: {'Content-Type': 'application/wasm'}});
    };
    // Not cross-origin isolated: no SharedArrayBuffer, so tfjs picks single-threaded wasm.
    // Buffer stays: Node's own Response needs it (the lint rule keeps it out of our sources).
    delete globalThis.SharedArrayBuffer;
    delete globalThis.process;
    const {run} = await import(${JSON.stringify(entry)});
    const result = await run(prefix);
    console.log(JSON.stringify({...result, fetched, chunks: globalThis.loadedChunks}));
  `;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', shim], {encoding: 'utf8', timeout: 120_000});
  const line = child.stdout.trim().split('\n').pop();
  let result;
  try {
    result = JSON.parse(line);
  } catch {
    // Minified lines are long: keep the messages and stack lines.
    const stderr = child.stderr.split('\n').filter((l) => l.length < 400).slice(-30).join('\n');
    fail(`minimal page: did not run as a page (exit ${child.status}):\n${stderr}`);
    return;
  }
  const {backend, simd, losses, fitted, fetched, chunks} = result;
  const falls = losses.every((loss, i) => i === 0 || loss < losses[i - 1]);
  console.log(`page run: backend ${backend}${simd ? ' (SIMD)' : ''}, loaded ${chunks.length} chunks, fetched ${fetched.join(', ')}; ` +
    `trainDecoder loss per epoch ${losses.map((l) => l.toFixed(4)).join(' → ')}; fitRepresentations loss ${fitted.toFixed(4)}`);
  if (backend !== 'wasm') fail(`minimal page: ran on ${backend}, expected wasm`);
  if (!fetched.length || !fetched.every((url) => url.startsWith('https://page.test/static/wasm/tfjs-backend-wasm'))) {
    fail(`minimal page: expected the .wasm to be fetched from wasmPaths, fetched: ${fetched.join(', ') || 'nothing'}`);
  }
  const unexpected = chunks.filter((c) => !expected.has(c)), missing = [...expected].filter((c) => !chunks.includes(c));
  if (unexpected.length || missing.length) {
    const whose = (c) => `${c} (${graph.files.get(c).entryPoint?.split(/node_modules[\\/]/).pop() ?? 'a shared chunk'})`;
    fail(`minimal page: the chunks it loaded are not the minimal wasm page's: loaded beyond it ${unexpected.map(whose).join(', ') || 'none'}; ` +
      `not loaded ${missing.map(whose).join(', ') || 'none'}`);
  }
  if (!falls || !Number.isFinite(fitted)) fail(`minimal page: training did not lower the loss: ${losses.join(', ')}; fitted ${fitted}`);
}

const width = Math.max(...rows.map(([label]) => label.length));
console.log(`${'bundle for the browser'.padEnd(width)}  ${'raw'.padStart(9)}  ${'minified'.padStart(9)}  ${'gzip'.padStart(9)}`);
for (const [label, m] of rows) console.log(`${label.padEnd(width)}  ${kb(m.raw).padStart(9)}  ${kb(m.min).padStart(9)}  ${kb(m.gzip).padStart(9)}`);
if (minimalGzip !== undefined) console.log(`budget: the minimal wasm page within ${BUDGET_GZIP_BYTES} bytes gzipped; it has ${minimalGzip}`);
for (const message of failures) console.error(`FAIL ${message}`);
console.log(`browser bundles: ${failures.length ? `${failures.length} failed` : 'all checks passed'}`);
process.exit(failures.length ? 1 : 0);
