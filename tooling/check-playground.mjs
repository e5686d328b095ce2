// The playground in a real browser: Debian's Chromium driven by playwright-core (which never
// downloads a browser of its own). Serves the built page (apps/playground/dist) from a static
// server on 127.0.0.1 twice: with the COOP/COEP headers (the page must run the multi-threaded
// wasm build) and without them (the single-thread SIMD build). In each, it draws a digit with
// synthetic pointer events and checks the fitted reconstruction's loss, trains a few epochs
// and checks the loss falls, stops a run with the stop button; in the isolated run it also
// stops the server and reloads (the service worker's copy must serve the page and fit again).
// Saves full-page screenshots and prints what it measured.
//
// Run: npx -y pnpm@9 test:browser (builds the page first), or, after a build,
//   node tooling/check-playground.mjs [--out DIR] [--chromium PATH] [--epochs N]
import {once} from 'node:events';
import {createReadStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {createServer} from 'node:http';
import {availableParallelism, tmpdir} from 'node:os';
import {extname, join, normalize, sep} from 'node:path';
import {parseArgs} from 'node:util';
import {chromium} from 'playwright-core';

const root = join(import.meta.dirname, '..');
const {values: args} = parseArgs({options: {
  out: {type: 'string', default: join(root, 'out', 'playground')},
  chromium: {type: 'string', default: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'},
  epochs: {type: 'string', default: '4'},
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
const LAUNCH_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];

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

/** Draw, fit, check the loss bound; returns the fit's numbers. */
async function drawAndFit(page) {
  await drawSeven(page);
  await waitState(page, 'fit-status', ['fitting'], 10_000);
  await waitState(page, 'fit-status', ['done'], 120_000);
  const fit = await data(page, 'fit-status');
  const loss = Number(fit.loss);
  if (!(loss < LOSS_BOUND)) throw new Error(`the drawn 7's fitted loss ${loss.toFixed(4)} is not below the bound ${LOSS_BOUND.toFixed(4)}`);
  const blank = Number(fit.blankLoss);
  if (!(loss < blank / 2)) throw new Error(`the drawn 7's fitted loss ${loss.toFixed(4)} is not below half a grey page's ${blank.toFixed(4)}`);
  return {loss, blankLoss: blank, seconds: Number(fit.seconds), computeSeconds: Number(fit.computeSeconds), steps: Number(fit.steps), stepsPerSecond: Number(fit.stepsPerSecond)};
}

/** Train N = 500 for `epochs` epochs; the loss must fall from the first epoch to the last. */
async function trainAndCheck(page, epochs) {
  await page.selectOption('#samples', '500');
  await page.fill('#epochs', String(epochs));
  await page.click('#train');
  await waitState(page, 'train-status', ['done'], 300_000);
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

async function runMode({isolated, epochs}) {
  const mode = isolated ? 'isolated' : 'plain';
  const server = await serve(site, isolated ? ISOLATION_HEADERS : {});
  const profile = mkdtempSync(join(tmpdir(), 'playground-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: args.chromium, args: LAUNCH_ARGS, viewport: {width: 1180, height: 1500},
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
  try {
    await page.goto(server.url);
    await waitState(page, 'backend', ['ready'], 60_000);
    const backend = await data(page, 'backend');
    const expected = isolated ? 'threaded-simd' : 'simd';
    if (backend.build !== expected) throw new Error(`${mode}: the page runs the ${backend.build} build, expected ${expected}`);
    if (isolated ? Number(backend.threads) !== availableParallelism() : Number(backend.threads) !== 1) {
      throw new Error(`${mode}: the page runs ${backend.threads} threads`);
    }
    await waitState(page, 'fit-status', ['ready'], 60_000);
    await waitState(page, 'train-status', ['ready'], 60_000);
    const fit = await drawAndFit(page);
    const training = await trainAndCheck(page, epochs);
    await page.screenshot({path: join(args.out, `playground-${mode}.png`), fullPage: true});
    await stopButton(page);
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
    return {mode, build: backend.build, threads: Number(backend.threads), fit, training, offline};
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
  for (const name of ['isolated', 'plain', 'offline', 'isolated-failed', 'plain-failed']) rmSync(join(args.out, `playground-${name}.png`), {force: true});
  const epochs = Number(args.epochs);
  const started = performance.now();
  const results = [];
  for (const isolated of [true, false]) results.push(await runMode({isolated, epochs}));
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(`Chromium ${args.chromium}; bound on the drawn digit's loss ${LOSS_BOUND.toFixed(4)} (1.5 × held-out P90 ` +
    `${about.testLossP90.toFixed(4)}) and half a grey page's ${(results[0].fit.blankLoss / 2).toFixed(4)}`);
  console.log('| page | wasm build | threads | fit loss | descent s | steps/s (8 rows) | training loss by epoch (N = 500) | samples/s (epochs 2+, median) |');
  console.log('| --- | --- | ---: | ---: | ---: | ---: | --- | ---: |');
  for (const r of results) {
    console.log(`| ${r.mode} | ${r.build} | ${r.threads} | ${r.fit.loss.toFixed(4)} | ${r.fit.computeSeconds.toFixed(2)} | ${Math.round(r.fit.stepsPerSecond)} | ` +
      `${r.training.losses.map((l) => l.toFixed(4)).join(' → ')} | ${Math.round(median(r.training.speeds.slice(1)))} |`);
    if (r.offline) console.log(`| offline (server stopped, service worker) | ${r.build} | ${r.threads} | ${r.offline.loss.toFixed(4)} | ${r.offline.computeSeconds.toFixed(2)} | ${Math.round(r.offline.stepsPerSecond)} | | |`);
  }
  writeFileSync(join(args.out, 'results.json'), `${JSON.stringify({bound: LOSS_BOUND, results}, null, 2)}\n`);
  console.log(`screenshots and results.json in ${args.out}; ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

main().catch((err) => {
  console.error(`check-playground: FAILED: ${err.message}`);
  process.exit(1);
});
