// The page's wiring: start the backend, load the shipped decoder and digits, and connect the
// drawing pad, the map and the training panel. Status elements carry data-* attributes that the
// browser test (tooling/check-playground.mjs) reads.
import './style.css';
import {principalComponents, type AutoDecoder} from '@encoderless/autodecoder';
import type {MnistSplit} from '@encoderless/datasets';
import {loadPretrained, loadTrainingDigits, type ModelAbout} from './assets';
import {backendData, describeBackend, startBackend} from './backend';
import {createDrawPad} from './draw-pad';
import {createMapPainter, drawBars, drawDigits, drawLossCurve, frameAround, type MapFrame} from './draw';
import {fitDrawing} from './fit-drawing';
import {constantGuessLoss, toMnistDigit} from './mnist-digit';
import {registerOfflineCopy} from './offline';
import {createLoadCalculator, trainInPage} from './train-in-page';

/**
 * ?backend=wasm|webgpu picks the backend (default: webgpu where the browser gives a hardware adapter);
 * ?threads=N lowers the threaded wasm build's threads; ?start=nearest starts a drawing's first
 * row at the nearest training digit's.
 */
const params = new URLSearchParams(location.search);
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** Sets an element's text and its data-* attributes (what the browser test reads). */
function report(id: string, text: string, data: Record<string, string | number> = {}): void {
  const el = $(id);
  el.textContent = text;
  for (const [k, v] of Object.entries(data)) el.dataset[k] = String(v);
}

/** A rate for the page: whole numbers, with one decimal below 10 (a software GPU fits a step or two a second). */
const perSecond = (x: number): string => (x >= 10 ? String(Math.round(x)) : x.toFixed(1));

function fail(id: string, err: unknown): void {
  console.error(err);
  report(id, `Error: ${(err as Error).message ?? String(err)}`, {state: 'error'});
}

/** The map of the training representations and the projection of a new row onto it. */
interface RepresentationMap {
  readonly points: number[][];
  readonly labels: number[];
  readonly frame: MapFrame;
  /** The share of the representations' variance the two axes hold. */
  readonly explained: number;
  project(row: ArrayLike<number>): number[];
}

function createRepresentationMap(model: AutoDecoder): RepresentationMap {
  const pca = principalComponents(model.representations, 2);
  const labels = (model.labels?.digit ?? []).map(Number);
  return {
    points: pca.scores, labels, frame: frameAround(pca.scores), explained: pca.explained[0] + pca.explained[1],
    project: (row) => pca.components.map((c) => c.reduce((s, cj, j) => s + cj * (row[j] - pca.mean[j]), 0)),
  };
}

function setUpDrawing(model: AutoDecoder, about: ModelAbout): void {
  const map = createRepresentationMap(model);
  const paintMap = createMapPainter($<HTMLCanvasElement>('map'), map.points, map.labels, map.frame);
  paintMap([]);
  report('map-caption', `Map: the ${model.size.toLocaleString('en')} training digits' representations on their first two ` +
    `principal components, coloured by digit, each digit's name at the mean of its dots. These two directions hold ` +
    `${Math.round(100 * map.explained)}% of the spread of the 10 numbers, so digits that overlap here can be apart in the other eight.`);
  const range = Math.max(...model.representationsArray().map(Math.abs));
  const start = params.get('start') === 'nearest' ? 'nearest' : 'random';
  let running: Promise<void> | null = null, pending = false;

  const fit = async (): Promise<void> => {
    const digit = toMnistDigit(pad.ink(), 280, 280);
    if (digit === null) return;
    drawDigits($<HTMLCanvasElement>('seen'), digit, 1, 1);
    const trail: number[][] = [];
    report('fit-status', 'Finding its representation…', {state: 'fitting'});
    const last = await fitDrawing(model, digit, {
      start,
      onFrame: async (f) => {
        trail.push(map.project(f.row));
        drawDigits($<HTMLCanvasElement>('recon'), f.reconstruction, 1, 1);
        paintMap(trail);
        drawBars($<HTMLCanvasElement>('bars'), f.row, range);
        report('fit-status', `step ${f.step} (of at most ${f.maxSteps}): loss ${f.loss.toFixed(4)} (binary cross-entropy per pixel)`);
        await new Promise(requestAnimationFrame);
      },
    });
    const restarts = model.settings.transform.restarts, blank = constantGuessLoss(digit);
    report('fit-status',
      `Found in ${last.step} steps of ${restarts} rows side by side, ${start === 'nearest' ? "the first from the nearest training " +
        "digit's representation, the others" : 'each'} from a random start: ${last.computeSeconds.toFixed(2)} s of descent ` +
      `(${perSecond(last.step / last.computeSeconds)} steps/s), ${last.seconds.toFixed(1)} s with the drawing. Loss ` +
      `${last.loss.toFixed(4)} (a grey page with your digit's mean ink: ${blank.toFixed(4)}); held-out MNIST digits fitted ` +
      `the same way: median ${about.testLossMedian.toFixed(4)}, 90% below ${about.testLossP90.toFixed(4)}.`,
      {state: 'done', loss: last.loss, blankLoss: blank, steps: last.step, seconds: last.seconds, computeSeconds: last.computeSeconds,
        stepsPerSecond: last.step / last.computeSeconds});
  };
  // One fit at a time; strokes drawn meanwhile are fitted (once) when it ends.
  const schedule = (): void => {
    if (running) { pending = true; return; }
    running = fit().catch((err) => fail('fit-status', err)).finally(() => {
      running = null;
      if (pending) { pending = false; schedule(); }
    });
  };
  const pad = createDrawPad($<HTMLCanvasElement>('pad'), schedule);
  $('clear').addEventListener('click', () => pad.clear());
  report('fit-status', `Ready: a decoder trained on ${about.digits.toLocaleString('en')} MNIST digits for ${about.epochs} epochs. Draw a digit.`,
    {state: 'ready'});
}

function setUpTraining(digits: MnistSplit): void {
  const loads = createLoadCalculator();
  const samples = $<HTMLSelectElement>('samples'), epochsInput = $<HTMLInputElement>('epochs');
  const trainButton = $<HTMLButtonElement>('train'), stopButton = $<HTMLButtonElement>('stop');
  const showLoads = () => {
    const n = Number(samples.value), l = loads(n);
    report('decoder-load', `${l.decoder.toFixed(2)} (N = ${n}, W = ${l.decoderWeights.toLocaleString('en')})`, {value: l.decoder});
    report('encoder-load', `${l.encoder.toFixed(3)} (W_enc = ${l.encoderWeights.toLocaleString('en')})`, {value: l.encoder});
  };
  samples.addEventListener('change', showLoads);
  showLoads();
  drawLossCurve($<HTMLCanvasElement>('curve'), [], Math.max(1, Number(epochsInput.value) || 1));
  const shown = 8;
  let controller: AbortController | null = null;
  trainButton.addEventListener('click', async () => {
    const n = Number(samples.value), epochs = Math.max(1, Math.round(Number(epochsInput.value) || 1));
    controller = new AbortController();
    trainButton.disabled = true;
    stopButton.disabled = false;
    const losses: number[] = [], speeds: number[] = [];
    const originals = digits.images.subarray(0, shown * 784);
    drawLossCurve($<HTMLCanvasElement>('curve'), losses, epochs);
    report('train-status', `Training on ${n} digits…`, {state: 'training', losses: '[]', speeds: '[]'});
    try {
      await trainInPage({
        digits, samples: n, epochs, shown, signal: controller.signal,
        onEpoch: async (r) => {
          losses.push(r.loss);
          speeds.push(r.samplesPerSecond);
          drawLossCurve($<HTMLCanvasElement>('curve'), losses, epochs);
          const both = new Float32Array(2 * shown * 784);
          both.set(originals);
          both.set(r.reconstructions, shown * 784);
          drawDigits($<HTMLCanvasElement>('train-digits'), both, 2 * shown, shown);
          report('train-status', `epoch ${r.epoch + 1} of ${epochs}: loss ${r.loss.toFixed(4)}, ${perSecond(r.samplesPerSecond)} samples/s`,
            {losses: JSON.stringify(losses), speeds: JSON.stringify(speeds)});
          await new Promise(requestAnimationFrame);
        },
      });
      const stopped = controller.signal.aborted;
      report('train-status', `${stopped ? 'Stopped' : 'Done'} after ${losses.length} epochs: loss ${losses.at(-1)?.toFixed(4) ?? '–'}.`,
        {state: stopped ? 'stopped' : 'done'});
    } catch (err) {
      fail('train-status', err);
    } finally {
      trainButton.disabled = false;
      stopButton.disabled = true;
    }
  });
  stopButton.addEventListener('click', () => controller?.abort());
  trainButton.disabled = false;
  report('train-status', `Ready: ${digits.count.toLocaleString('en')} MNIST digits loaded.`, {state: 'ready'});
}

async function main(): Promise<void> {
  const threads = Number(params.get('threads')) || undefined;
  const asked = params.get('backend');
  if (asked !== null && asked !== 'wasm' && asked !== 'webgpu') throw new Error(`?backend= takes wasm or webgpu, got '${asked}'`);
  const backend = await startBackend({backend: asked ?? undefined, threads});
  report('backend', describeBackend(backend), {state: 'ready', ...backendData(backend)});
  const base = document.baseURI;
  await Promise.all([
    loadPretrained(base).then(({model, about}) => setUpDrawing(model, about)).catch((err) => fail('fit-status', err)),
    loadTrainingDigits(base).then(setUpTraining).catch((err) => fail('train-status', err)),
  ]);
  if (import.meta.env.PROD) {
    registerOfflineCopy(new URL('sw.js', base).href, (text, state) => report('offline', text, {state}));
  }
}

main().catch((err) => fail('backend', err));
