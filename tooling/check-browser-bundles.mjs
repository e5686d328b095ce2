// Checks that the packages work in a browser, the way a page meets them: through a bundler.
//
// 1. Each published package's main entry, bundled by esbuild for `platform: 'browser'` with no
//    plugin, alias or stub and nothing external but its tfjs peers: the build fails if anything
//    reached from it imports a Node builtin. The bundle must be made of the packages' ES-module
//    builds (dist/esm), use the browser twin of every file package.json's "browser" field maps,
//    and carry no tfjs-layers.
// 2. The minimal page (latent + one zoo model + backends + the wasm backend, tfjs-core included),
//    minified: its gzip size must stay within BUDGET_GZIP_BYTES (README: "Browser").
// 3. That bundle, run in a Node process made to look like a page that is not cross-origin
//    isolated (window, document and fetch; no process, no SharedArrayBuffer): useBackend('wasm',
//    {wasmPaths}) fetches the .wasm from the given URL, and a few epochs of trainDecoder lower
//    the loss. Not a browser (apps/playground's Chromium test is), but it runs the browser twins.
//
// Prints each bundle's size raw (unminified), minified and gzipped (level 9).
import {spawnSync} from 'node:child_process';
import {mkdirSync, readFileSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {dirname, join, relative, sep} from 'node:path';
import {gzipSync} from 'node:zlib';

const root = new URL('..', import.meta.url).pathname;
const require = createRequire(join(root, 'package.json'));
const {build} = require('esbuild');

/** Minified and gzipped, the minimal page may grow to this (measured 107,633 bytes: see README). */
const BUDGET_GZIP_BYTES = 120_000;

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

async function bundle({contents, external = [], minify}) {
  const result = await build({
    stdin: {contents, resolveDir: project, sourcefile: 'page.js', loader: 'js'},
    bundle: true, platform: 'browser', format: 'esm', minify, external, metafile: true, write: false, logLevel: 'silent',
  });
  return {code: result.outputFiles[0].contents, inputs: Object.keys(result.metafile.inputs).map((p) => join(root, p))};
}

async function measure(options) {
  try {
    const raw = await bundle({...options, minify: false});
    const min = await bundle({...options, minify: true});
    return {inputs: min.inputs, code: min.code, raw: raw.code.length, min: min.code.length, gzip: gzipSync(min.code, {level: 9}).length};
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
  const m = await measure({contents: `export * from '${manifest.name}';`, external: tfjsPeers});
  if (m.error) {
    fail(`${manifest.name}: its main entry does not bundle for the browser:\n  ${m.error}`);
    continue;
  }
  checkInputs(manifest.name, m.inputs);
  rows.push([`${manifest.name} (main entry${tfjsPeers.length ? ', tfjs-core external' : ''})`, m]);
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
const minimal = await measure({contents: page});
if (minimal.error) {
  fail(`minimal page (latent + models + backends + wasm): does not bundle for the browser:\n  ${minimal.error}`);
} else {
  checkInputs('minimal page', minimal.inputs);
  const cores = new Set(minimal.inputs.map((p) => p.match(/^(.*[\\/]@tensorflow[\\/]tfjs-core)[\\/]/)?.[1]).filter(Boolean));
  if (cores.size !== 1) fail(`minimal page: bundles ${cores.size} copies of tfjs-core, expected 1: ${[...cores].join(', ')}`);
  if (minimal.inputs.some((p) => /tfjs-backend-cpu[\\/]dist[\\/]backend_cpu\.js$/.test(p))) {
    fail('minimal page: bundles the cpu backend, which useBackend should load in a browser only when the page passes it');
  }
  rows.push(['minimal page: latent + models + backends + wasm, tfjs-core included', minimal]);
  if (minimal.gzip > BUDGET_GZIP_BYTES) {
    fail(`minimal page: ${minimal.gzip} bytes gzipped, over the budget of ${BUDGET_GZIP_BYTES}: find what grew ` +
      '(esbuild --metafile) before raising the budget in tooling/check-browser-bundles.mjs and the README');
  }
  runAsPage(minimal.code);
}

/** Runs the bundle in a child process that looks like a page, and checks that it trains. */
function runAsPage(code) {
  const file = join(project, 'page.min.mjs');
  writeFileSync(file, code);
  const wasmDir = join(project, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist');
  const shim = `
    import {readFile} from 'node:fs/promises';
    const prefix = 'https://page.test/static/wasm/';
    const fetched = [];
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
    const {run} = await import(${JSON.stringify(file)});
    const result = await run(prefix);
    console.log(JSON.stringify({...result, fetched}));
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
  const {backend, simd, losses, fitted, fetched} = result;
  const falls = losses.every((loss, i) => i === 0 || loss < losses[i - 1]);
  console.log(`page run: backend ${backend}${simd ? ' (SIMD)' : ''}, fetched ${fetched.join(', ')}; ` +
    `trainDecoder loss per epoch ${losses.map((l) => l.toFixed(4)).join(' → ')}; fitRepresentations loss ${fitted.toFixed(4)}`);
  if (backend !== 'wasm') fail(`minimal page: ran on ${backend}, expected wasm`);
  if (!fetched.length || !fetched.every((url) => url.startsWith('https://page.test/static/wasm/tfjs-backend-wasm'))) {
    fail(`minimal page: expected the .wasm to be fetched from wasmPaths, fetched: ${fetched.join(', ') || 'nothing'}`);
  }
  if (!falls || !Number.isFinite(fitted)) fail(`minimal page: training did not lower the loss: ${losses.join(', ')}; fitted ${fitted}`);
}

const width = Math.max(...rows.map(([label]) => label.length));
console.log(`${'bundle for the browser'.padEnd(width)}  ${'raw'.padStart(9)}  ${'minified'.padStart(9)}  ${'gzip'.padStart(9)}`);
for (const [label, m] of rows) console.log(`${label.padEnd(width)}  ${kb(m.raw).padStart(9)}  ${kb(m.min).padStart(9)}  ${kb(m.gzip).padStart(9)}`);
if (!minimal.error) console.log(`budget: the minimal page within ${BUDGET_GZIP_BYTES} bytes gzipped; it has ${minimal.gzip}`);
for (const message of failures) console.error(`FAIL ${message}`);
console.log(`browser bundles: ${failures.length ? `${failures.length} failed` : 'all checks passed'}`);
process.exit(failures.length ? 1 : 0);
