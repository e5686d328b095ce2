// Trains the playground's pre-trained MNIST decoder, offline, and writes it as one auto-decoder
// artifact (public/model/model.json + weights.bin) plus public/model/about.json (how it was made
// and how well it represents digits it never saw). The artifact is committed: training takes
// minutes, too long for every build.
//
// Run (from the repository root, after `npx -y pnpm@9 install`):
//   npx -y pnpm@9 turbo run build --filter=@encoderless/playground^... && npx -y pnpm@9 --filter @encoderless/playground train-model
// Settings below; EPOCHS and DIGITS in the environment override two of them for a quick try.
// MEASURE_ONLY=1 keeps the saved decoder and measures it again (after a change to how new
// samples are fitted).
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {useBackend} from '@encoderless/backends';
import {fitAutoDecoder, loadAutoDecoder} from '@encoderless/autodecoder';
import {fileHandler} from '@encoderless/autodecoder/node';
import {mnistSubset, mnistTestSubset} from '@encoderless/datasets';
import {loadMnist} from '@encoderless/datasets/node';

const settings = {
  /** Training digits: a seeded random subset of MNIST's 60,000 (the map shows all of them). */
  digits: Number(process.env.DIGITS ?? 6000),
  /** m: small enough that the decoder only draws digit-like shapes, large enough for their styles. */
  latentDim: 10,
  /** Passes over the digits (Adam lr 1e-3 on the weights, the paper's SGD on the rows). */
  epochs: Number(process.env.EPOCHS ?? 25),
  /** Held-out MNIST test digits represented after training, to say how well new digits fit. */
  testDigits: 500,
  /** What the page's drawing fit uses: rows started side by side, steps at most (each row stops when it stops improving). */
  transform: {maxSteps: 300, restarts: 8, seed: 0, batchSize: 32},
  /**
   * The page starts all eight rows at random (src/fit-drawing.ts): searching the nearest of the
   * training representations first costs 4,096 decoder passes, seconds in a page, and gave
   * drawn digits the same loss.
   */
  start: 'random',
  seed: 0,
};

async function main() {
  const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'public', 'model');
  const backend = await useBackend('wasm');
  const {train, test, source} = await loadMnist({download: false});
  const small = mnistSubset(train, settings.digits, settings.seed + 1);
  const fresh = mnistTestSubset(test, {size: settings.testDigits});
  console.log(`MNIST from ${source}; ${small.count} training digits, backend ${backend.name}`);
  mkdirSync(out, {recursive: true});
  let model, trainSeconds;
  if (process.env.MEASURE_ONLY === '1') {
    model = await loadAutoDecoder(fileHandler(out));
    trainSeconds = JSON.parse(readFileSync(join(out, 'about.json'), 'utf8')).trainSeconds;
  } else {
    const started = performance.now();
    // A matrix [digits, 784] so the digit labels travel in the artifact (the page colours its map by them).
    model = await fitAutoDecoder(
      {data: small.images, rows: small.count, cols: 784, labels: {digit: Array.from(small.labels, String)}},
      {
        latentDim: settings.latentDim, decoder: {kind: 'mnist-decoder', options: {latentDim: settings.latentDim}},
        loss: 'bce', epochs: settings.epochs, transform: settings.transform, seed: settings.seed,
        onEpoch: (r) => console.log(`epoch ${r.epoch + 1}/${r.epochs} loss ${r.loss.toFixed(4)} (${r.seconds.toFixed(1)} s)`),
      });
    trainSeconds = (performance.now() - started) / 1000;
    await model.save(fileHandler(out));
  }
  const t0 = performance.now();
  const {losses, loss} = await model.transform({data: fresh.images, rows: fresh.count, cols: 784}, {start: settings.start});
  const transformSeconds = (performance.now() - t0) / 1000;
  const sorted = [...losses].sort((a, b) => a - b);
  const quantile = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  const about = {
    digits: settings.digits, latentDim: settings.latentDim, epochs: settings.epochs, seed: settings.seed,
    fit: {...settings.transform, start: settings.start},
    finalTrainingLoss: model.history.at(-1).loss,
    testDigits: settings.testDigits, testLoss: loss, testLossMedian: quantile(0.5), testLossP90: quantile(0.9),
    trainSeconds: Math.round(trainSeconds), transformSeconds: Math.round(transformSeconds),
    note: 'losses: binary cross-entropy per pixel; times: Node, wasm, one thread, on a shared 2-core machine',
  };
  writeFileSync(join(out, 'about.json'), `${JSON.stringify(about, null, 2)}\n`);
  console.log(about);
  model.dispose();
}

main().catch((err) => { console.error(err); process.exit(1); });
