// The playground in a real browser: Debian's Chromium driven by playwright-core (which never
// downloads a browser of its own). Serves the built page (apps/playground/dist) from a static
// server on 127.0.0.1 three times:
// - isolated: with the COOP/COEP headers and the GPU off; the page must run on wasm, the
//   multi-threaded build;
// - plain: without the headers, GPU off; wasm, the single-thread SIMD build;
// - webgpu: without the headers, with WebGPU on (WEBGPU_ARGS); the page must run on webgpu and
//   name the adapter. With no GPU, Chromium's adapter is SwiftShader, a GPU emulated on the CPU.
//   Where this Chromium gives no adapter at all (asked on a blank page), the run is skipped with
//   a message saying so; where it gives one and the page still runs on wasm, the test fails.
// In each, the page must fetch its backend's chunk and not the other's, draw a digit with
// synthetic pointer events and fit it within the loss bound, and train a few epochs with a
// falling loss; in the wasm runs it also stops a run with the stop button, and in the isolated
// run it stops the server and reloads (the service worker's copy must serve the page and fit
// again). Saves full-page screenshots and prints what it measured.
//
// Run: npx -y pnpm@9 test:browser (builds the page first), or, after a build,
//   node tooling/check-playground.mjs [--out DIR] [--chromium PATH] [--epochs N] [--webgpu-epochs N]
//     [--modes isolated,plain,webgpu]
import {once} from 'node:events';
import {createReadStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {createServer} from 'node:http';
import {availableParallelism, tmpdir} from 'node:os';
import {extname, join, normalize, sep} from 'node:path';
import {parseArgs} from 'node:util';
import {gzipSync} from 'node:zlib';
import {chromium} from 'playwright-core';

const root = join(import.meta.dirname, '..');
const {values: args} = parseArgs({options: {
  out: {type: 'string', default: join(root, 'out', 'playground')},
  chromium: {type: 'string', default: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'},
  epochs: {type: 'string', default: '4'},
  'webgpu-epochs': {type: 'string', default: '2'},
  modes: {type: 'string', default: 'isolated,plain,webgpu'},
}});
const site = join(root, 'apps', 'playground', 'dist');
const about = JSON.parse(readFileSync(join(site, 'model', 'about.json'), 'utf8'));

/**
 * The bound on the drawn digit's loss (binary cross-entropy per pixel): the 90th percentile of
 * held-out MNIST test digits fitted the same way (about.json, measured when the decoder was
 * trained), times 1.5. A drawing is not an MNIST scan (its strokes are smoother and of one
 * width), so it may sit in the worse part of that distribution. The fit must also beat half the
 * loss of a grey page with the drawing's mean ink (the page reports it: 0.325 for this 7): a row
 * that did not find the digit's shape does no better than that.
 */
const LOSS_BOUND = 1.5 * about.testLossP90;
const ISOLATION_HEADERS = {'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp'};
const TYPES = {'.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.json': 'application/json', '.png': 'image/png'};
const LAUNCH_ARGS = ['--headless', '--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];
/** The wasm runs: no GPU, so navigator.gpu gives no adapter and the page must choose wasm by itself. */
const WASM_ARGS = ['--disable-gpu'];
/**
 * The webgpu run, on Chromium 156 headless with no GPU. Chromium on Linux offers WebGPU adapters
 * only behind --enable-unsafe-webgpu (without it requestAdapter() resolves to null); with it, it
 * gives SwiftShader, a Vulkan GPU emulated on the CPU, as a fallback adapter. The page reads
 * tensors only asynchronously, which that adapter serves; a synchronous read (`dataSync`) would
 * go through a WebGPU canvas whose texture this Chromium cannot share ("Could not find
 * SharedImageBackingFactory … WebgpuSwapChainTexture") and give zeros.
 */
const WEBGPU_ARGS = ['--enable-unsafe-webgpu'];
/**
 * The runs. `patience` multiplies every timeout: on SwiftShader a fit takes minutes and an epoch
 * of 500 digits several (about 2 samples/s on the 2 shared cores this was measured on), so the
 * webgpu run trains `--webgpu-epochs` on the page's smallest N (`samples`) and leaves the stop
 * button and the offline reload, which are the same on every backend, to the wasm runs.
 */
const MODES = {
  isolated: {headers: ISOLATION_HEADERS, args: WASM_ARGS, backend: 'wasm', build: 'threaded-simd', patience: 1, samples: 500},
  plain: {headers: {}, args: WASM_ARGS, backend: 'wasm', build: 'simd', patience: 1, samples: 500},
  webgpu: {headers: {}, args: WEBGPU_ARGS, backend: 'webgpu', patience: 8, samples: 100},
};

/** A static server of `dir` on 127.0.0.1 (a free port), with extra headers on every response. */
async function serve(dir, headers) {
  const server = createServer((req, res) => {
    const path = normalize(join(dir, decodeURIComponent(new URL(req.url, 'http://x').pathname)));
    const file = path.endsWith(sep) ? join(path, 'index.html') : path;
    if (!file.startsWith(dir) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, headers).end('not found');
      return;
    }
    res.writeHead(200, {...headers, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-cache'});
    createReadStream(file).pipe(res);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {url: `http://127.0.0.1:${server.address().port}/`, close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); })};
}

/** Waits until the element's data-state is one of `states`; fails on 'error' with the page's message. */
async function waitState(page, id, states, timeout) {
  const handle = await page.waitForFunction(([id, states]) => {
    const el = document.getElementById(id);
    return el && (states.includes(el.dataset.state) || el.dataset.state === 'error') ? el.dataset.state : false;
  }, [id, states], {timeout, polling: 100});
  if (await handle.jsonValue() === 'error') throw new Error(`#${id}: ${await page.textContent(`#${id}`)}`);
}

const data = (page, id) => page.evaluate((id) => ({...document.getElementById(id).dataset}), id);

/** A "7" drawn on the pad with the mouse: pointerdown, moves, pointerup (trusted input events). */
async function drawSeven(page) {
  const box = await page.locator('#pad').boundingBox();
  const at = (x, y) => [box.x + (x / 280) * box.width, box.y + (y / 280) * box.height];
  const path = [[70, 60], [210, 60], [175, 120], [140, 180], [118, 235]];
  await page.mouse.move(...at(...path[0]));
  await page.mouse.down();
  for (const p of path.slice(1)) await page.mouse.move(...at(...p), {steps: 8});
  await page.mouse.up();
}

/** Draw, fit, check the loss bound; returns the fit's numbers. `patience` multiplies the timeouts. */
async function drawAndFit(page, patience = 1) {
  await drawSeven(page);
  await waitState(page, 'fit-status', ['fitting'], patience * 10_000);
  await waitState(page, 'fit-status', ['done'], patience * 120_000);
  const fit = await data(page, 'fit-status');
  const loss = Number(fit.loss);
  if (!(loss < LOSS_BOUND)) throw new Error(`the drawn 7's fitted loss ${loss.toFixed(4)} is not below the bound ${LOSS_BOUND.toFixed(4)}`);
  const blank = Number(fit.blankLoss);
  if (!(loss < blank / 2)) throw new Error(`the drawn 7's fitted loss ${loss.toFixed(4)} is not below half a grey page's ${blank.toFixed(4)}`);
  return {loss, blankLoss: blank, seconds: Number(fit.seconds), computeSeconds: Number(fit.computeSeconds), steps: Number(fit.steps), stepsPerSecond: Number(fit.stepsPerSecond)};
}

/** Train N = `samples` for `epochs` epochs; the loss must fall from the first epoch to the last. */
async function trainAndCheck(page, epochs, patience, samples) {
  await page.selectOption('#samples', String(samples));
  await page.fill('#epochs', String(epochs));
  await page.click('#train', {timeout: patience * 30_000});
  await waitState(page, 'train-status', ['done'], patience * 300_000);
  const run = await data(page, 'train-status');
  const losses = JSON.parse(run.losses), speeds = JSON.parse(run.speeds);
  if (losses.length !== epochs) throw new Error(`training ran ${losses.length} epochs, asked for ${epochs}`);
  if (!(losses.at(-1) < losses[0])) throw new Error(`training loss did not fall: ${losses.map((l) => l.toFixed(4)).join(' → ')}`);
  return {losses, speeds};
}

/** Start a long run and press Stop after its first epoch: the page must say it stopped. */
async function stopButton(page) {
  await page.fill('#epochs', '200');
  await page.click('#train');
  await page.waitForFunction(() => JSON.parse(document.getElementById('train-status').dataset.losses ?? '[]').length >= 1, null, {timeout: 60_000});
  await page.click('#stop');
  await waitState(page, 'train-status', ['stopped'], 60_000);
  const epochs = JSON.parse((await data(page, 'train-status')).losses).length;
  if (epochs >= 200) throw new Error('the stop button did not stop the run');
}

/** What navigator.gpu gives a blank page of this Chromium with `extra` flags: the adapter's info, or null. */
async function probeAdapter(extra) {
  const blank = mkdtempSync(join(tmpdir(), 'playground-blank-'));
  writeFileSync(join(blank, 'index.html'), '<!doctype html><title>blank</title>');
  // A page from 127.0.0.1 is a secure context, which navigator.gpu needs (about:blank is not one).
  const server = await serve(blank, {});
  const profile = mkdtempSync(join(tmpdir(), 'playground-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {executablePath: args.chromium, args: [...LAUNCH_ARGS, ...extra]});
  try {
    const page = context.pages()[0] ?? await context.newPage();
    await page.goto(server.url);
    return await page.evaluate(async () => {
      const adapter = await navigator.gpu?.requestAdapter();
      return adapter ? {vendor: adapter.info.vendor, architecture: adapter.info.architecture, description: adapter.info.description,
        fallback: adapter.info.isFallbackAdapter === true} : null;
    });
  } finally {
    await context.close();
    await server.close();
    rmSync(profile, {recursive: true, force: true});
    rmSync(blank, {recursive: true, force: true});
  }
}

/**
 * The page must fetch the chunk of the backend it runs on and not the other's (vite.config.mts
 * names them); returns the scripts and .wasm it fetched with their sizes.
 */
function checkFetched(mode, backend, names) {
  const other = backend === 'wasm' ? 'webgpu' : 'wasm';
  if (!names.some((n) => n.startsWith(`tfjs-backend-${backend}-`) && n.endsWith('.js'))) {
    throw new Error(`${mode}: the page runs on ${backend} but fetched no tfjs-backend-${backend}-*.js: ${names.join(', ')}`);
  }
  const wrong = names.filter((n) => n.startsWith(`tfjs-backend-${other}-`) || (backend === 'webgpu' && n.endsWith('.wasm')));
  if (wrong.length) throw new Error(`${mode}: the page runs on ${backend} but fetched ${wrong.join(', ')}`);
  const size = (kind) => names.filter((n) => n.endsWith(kind)).map((n) => readFileSync(join(site, 'assets', n)))
    .reduce((t, bytes) => ({count: t.count + 1, raw: t.raw + bytes.length, gzip: t.gzip + gzipSync(bytes, {level: 9}).length}), {count: 0, raw: 0, gzip: 0});
  return {names: names.sort(), js: size('.js'), wasm: size('.wasm')};
}

/** One run; `adapter` is what a blank page of this Chromium got from navigator.gpu (webgpu only). */
async function runMode({mode, epochs, adapter}) {
  const {headers, args: extra, backend: expectedBackend, build: expectedBuild, patience, samples} = MODES[mode];
  const isolated = mode === 'isolated';
  const server = await serve(site, headers);
  const profile = mkdtempSync(join(tmpdir(), 'playground-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: args.chromium, args: [...LAUNCH_ARGS, ...extra], viewport: {width: 1180, height: 1500},
  });
  const errors = [], log = [];
  const page = context.pages()[0] ?? await context.newPage();
  if (isolated) {
    // tfjs-backend-wasm 4.22 runs half of navigator.hardwareConcurrency threads (it assumes two
    // hardware threads per core): 1 on this 2-core machine. Chromium is told there are twice
    // the cores, so the threaded build runs one thread per core, as on a machine with SMT.
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setHardwareConcurrencyOverride', {hardwareConcurrency: 2 * availableParallelism()});
  }
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (m) => log.push(`${m.type()}: ${m.text()}`));
  // The page's own requests (the service worker's precache of every file is not among them).
  const fetched = new Set();
  page.on('request', (r) => {
    const path = new URL(r.url()).pathname;
    if (path.includes('/assets/')) fetched.add(path.slice(path.lastIndexOf('/') + 1));
  });
  try {
    if (expectedBackend === 'webgpu') {
      // The page's own choice first: webgpu on a hardware adapter, wasm on a software one (as
      // useBackend('auto') chooses); then the run itself, asked for webgpu by name.
      await page.goto(server.url);
      await waitState(page, 'backend', ['ready'], 60_000);
      const own = await data(page, 'backend');
      const status = await page.textContent('#backend');
      const expected = adapter.fallback ? 'wasm' : 'webgpu';
      if (own.name !== expected) throw new Error(`${mode}: on a ${adapter.fallback ? 'software' : 'hardware'} adapter the page chose ${own.name}, expected ${expected}: "${status}"`);
      if (adapter.fallback && !status.includes('only a software adapter')) throw new Error(`${mode}: the page does not say why it is not on WebGPU: "${status}"`);
    }
    fetched.clear(); // the chunks of the run itself
    await page.goto(expectedBackend === 'webgpu' ? `${server.url}?backend=webgpu` : server.url);
    await waitState(page, 'backend', ['ready'], 60_000);
    const backend = await data(page, 'backend');
    const status = await page.textContent('#backend');
    if (backend.name !== expectedBackend) throw new Error(`${mode}: the page runs on ${backend.name}, expected ${expectedBackend}: "${status}"`);
    if (expectedBackend === 'wasm') {
      if (backend.build !== expectedBuild) throw new Error(`${mode}: the page runs the ${backend.build} build, expected ${expectedBuild}`);
      if (isolated ? Number(backend.threads) !== availableParallelism() : Number(backend.threads) !== 1) {
        throw new Error(`${mode}: the page runs ${backend.threads} threads`);
      }
    } else if (backend.vendor !== adapter.vendor || backend.architecture !== adapter.architecture || !status.includes(backend.adapter)) {
      throw new Error(`${mode}: the page does not name the adapter the browser gives (${adapter.vendor} ${adapter.architecture}): "${status}"`);
    }
    await waitState(page, 'fit-status', ['ready'], 60_000);
    await waitState(page, 'train-status', ['ready'], 60_000);
    const fit = await drawAndFit(page, patience);
    const training = await trainAndCheck(page, epochs, patience, samples);
    const files = checkFetched(mode, expectedBackend, [...fetched]);
    await page.screenshot({path: join(args.out, `playground-${mode}.png`), fullPage: true, timeout: patience * 30_000});
    if (expectedBackend === 'wasm') await stopButton(page);
    let offline = null;
    if (isolated) {
      // Offline: the service worker has cached the site; stop the server and load the page again.
      await waitState(page, 'offline', ['ready'], 120_000);
      await server.close();
      await page.reload();
      await waitState(page, 'backend', ['ready'], 60_000);
      const again = await data(page, 'backend');
      if (again.build !== 'threaded-simd') throw new Error(`offline: the cached page runs the ${again.build} build (lost its COOP/COEP headers?)`);
      await waitState(page, 'fit-status', ['ready'], 60_000);
      offline = await drawAndFit(page);
      await page.screenshot({path: join(args.out, 'playground-offline.png'), fullPage: true});
    }
    if (errors.length > 0) throw new Error(`${mode}: errors in the page: ${errors.join('; ')}`);
    return {mode, files, backend: backend.name, build: backend.build, threads: backend.threads === undefined ? null : Number(backend.threads),
      adapter: backend.adapter ?? null, software: backend.software === undefined ? null : backend.software === 'true', status, fit,
      training: {...training, samples}, offline};
  } catch (err) {
    // What the page showed and said, to see why.
    await page.screenshot({path: join(args.out, `playground-${mode}-failed.png`), fullPage: true}).catch(() => {});
    console.error(`${mode}: the page's last console lines:\n${log.slice(-20).join('\n')}\npage errors: ${errors.join('; ') || 'none'}`);
    throw new Error(`${mode}: ${err.message}`);
  } finally {
    await context.close();
    await server.close();
    rmSync(profile, {recursive: true, force: true});
  }
}

async function main() {
  if (!existsSync(args.chromium)) {
    console.error(`check-playground: no Chromium at ${args.chromium}; install it (apt-get install -y chromium) or pass --chromium PATH`);
    process.exit(1);
  }
  if (!existsSync(join(site, 'index.html'))) {
    console.error(`check-playground: ${site} has no build; run npx -y pnpm@9 --filter @encoderless/playground build`);
    process.exit(1);
  }
  mkdirSync(args.out, {recursive: true});
  const modes = args.modes.split(',');
  const unknown = modes.filter((m) => !(m in MODES));
  if (unknown.length) {
    console.error(`check-playground: --modes takes ${Object.keys(MODES).join(', ')}; got ${unknown.join(', ')}`);
    process.exit(1);
  }
  for (const name of [...Object.keys(MODES), 'offline'].flatMap((m) => [m, `${m}-failed`])) rmSync(join(args.out, `playground-${name}.png`), {force: true});
  const epochs = Number(args.epochs);
  const started = performance.now();
  const results = [], skipped = [];
  for (const mode of modes) {
    let adapter = null;
    if (MODES[mode].backend === 'webgpu') {
      adapter = await probeAdapter(MODES[mode].args);
      if (adapter === null) {
        const why = `SKIPPED the ${mode} run: ${args.chromium} with ${MODES[mode].args.join(' ')} gives a blank page no WebGPU adapter ` +
          '(navigator.gpu.requestAdapter() resolved to null), so the page cannot be tested on webgpu here';
        console.error(`\n${'!'.repeat(100)}\n${why}\n${'!'.repeat(100)}\n`);
        skipped.push(why);
        continue;
      }
    }
    const modeStarted = performance.now();
    const modeEpochs = MODES[mode].backend === 'webgpu' ? Number(args['webgpu-epochs']) : epochs;
    results.push({...await runMode({mode, epochs: modeEpochs, adapter}), seconds: (performance.now() - modeStarted) / 1000});
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const rate = (x) => (x >= 10 ? String(Math.round(x)) : x.toFixed(1));
  console.log(`Chromium ${args.chromium}; bound on the drawn digit's loss ${LOSS_BOUND.toFixed(4)} (1.5 × held-out P90 ` +
    `${about.testLossP90.toFixed(4)})${results.length ? ` and half a grey page's ${(results[0].fit.blankLoss / 2).toFixed(4)}` : ''}`);
  for (const r of results) console.log(`${r.mode}: ${r.status}`);
  console.log('| page | backend | threads | fit loss | descent s | steps/s (8 rows) | N | training loss by epoch | samples/s (epochs 2+, median) | run s |');
  console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |');
  for (const r of results) {
    const backend = r.backend === 'wasm' ? `wasm, ${r.build}` : `webgpu, ${r.adapter}`;
    console.log(`| ${r.mode} | ${backend} | ${r.threads ?? ''} | ${r.fit.loss.toFixed(4)} | ${r.fit.computeSeconds.toFixed(2)} | ${rate(r.fit.stepsPerSecond)} | ` +
      `${r.training.samples} | ${r.training.losses.map((l) => l.toFixed(4)).join(' → ')} | ${rate(median(r.training.speeds.slice(1)))} | ${r.seconds.toFixed(0)} |`);
    if (r.offline) console.log(`| offline (server stopped, service worker) | wasm, ${r.build} | ${r.threads} | ${r.offline.loss.toFixed(4)} | ${r.offline.computeSeconds.toFixed(2)} | ${rate(r.offline.stepsPerSecond)} | | | | |`);
  }
  const kb = (bytes) => `${(bytes / 1000).toFixed(1)} kB`;
  for (const {mode, files: {js, wasm}} of results) {
    console.log(`${mode}: fetched ${js.count} scripts, ${kb(js.raw)} (${kb(js.gzip)} gzip)${wasm.count ? `, and ${wasm.count} .wasm, ${kb(wasm.raw)} (${kb(wasm.gzip)} gzip)` : ''}`);
  }
  for (const why of skipped) console.error(why);
  writeFileSync(join(args.out, 'results.json'), `${JSON.stringify({bound: LOSS_BOUND, results, skipped}, null, 2)}\n`);
  console.log(`screenshots and results.json in ${args.out}; ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

main().catch((err) => {
  console.error(`check-playground: FAILED: ${err.message}`);
  process.exit(1);
});
