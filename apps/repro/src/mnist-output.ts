import {samplesForEncoderLoad} from '@encoderless/load';
import {renderChartGrid, toCsv, toMarkdownTable, type LineSeries} from '@encoderless/report';
import {renderImageGrid} from '@encoderless/report/node';
import {describeOverrides} from './flags';
import {mnistPreset, type MnistConfig} from './mnist-config';
import type {MnistModel, MnistRecord} from './mnist';
import {sortByKeys} from './sort-by-keys';

const MODELS: readonly MnistModel[] = ['decoder', 'autoencoder', 'autoencoder-frozen-decoder'];
const LABELS: Record<MnistModel, string> = {
  decoder: 'decoder alone (rows fitted)',
  autoencoder: 'autoencoder from scratch',
  'autoencoder-frozen-decoder': 'autoencoder on frozen decoder',
};

export function sortMnistRecords(records: readonly MnistRecord[]): MnistRecord[] {
  return sortByKeys(records, (r) => [r.scenario === 'sweep' ? 0 : 1, r.samples, MODELS.indexOf(r.model), r.testSet === 'out' ? 1 : 0]);
}

/** Like the paper's Figure 2: test loss against N per model, and the two loads against N. */
export function renderMnistFigure(records: readonly MnistRecord[]): string {
  const sweep = sortMnistRecords(records).filter((r) => r.scenario === 'sweep');
  const lossSeries: LineSeries[] = MODELS.map((model) => ({
    label: LABELS[model], markers: true,
    points: sweep.filter((r) => r.model === model).map((r) => [r.samples, r.testLoss] as const),
  }));
  const decoderRows = sweep.filter((r) => r.model === 'decoder');
  const sizes = decoderRows.map((r) => r.samples);
  const loadSeries: LineSeries[] = [
    {label: 'decoder load', markers: true, points: decoderRows.map((r) => [r.samples, r.decoderLoad] as const)},
    {label: 'encoder load', markers: true, points: decoderRows.map((r) => [r.samples, r.encoderLoad] as const)},
    {label: 'load 1', dashed: true, color: '#7f7f7f', points: sizes.length ? [[Math.min(...sizes), 1], [Math.max(...sizes), 1]] : []},
  ];
  return renderChartGrid([
    {title: 'Test loss', xLabel: 'training images N', yLabel: 'binary cross-entropy per pixel', xScale: 'log', series: lossSeries, id: 'loss'},
    {title: 'Load', xLabel: 'training images N', yLabel: 'constraints per parameter', xScale: 'log', yScale: 'log', series: loadSeries, id: 'load'},
  ], {columns: 2, title: 'MNIST (paper Section 3.1)'});
}

/** One PNG per group: a row of originals, then a row per model's reconstructions. */
export function renderMnistGrid(records: readonly MnistRecord[]): Uint8Array | null {
  const withOriginals = records.find((r) => r.originals && r.originals.length > 0);
  if (!withOriginals) return null;
  const rows = [withOriginals.originals!, ...sortMnistRecords(records).map((r) => r.reconstructions)];
  const cols = withOriginals.originals!.length;
  return renderImageGrid({
    images: rows.flatMap((row) => row.slice(0, cols).map((img) => Float32Array.from(img))),
    imageHeight: 28, imageWidth: 28, channels: 1, rows: rows.length, cols, scale: 2,
  });
}

export function mnistCsv(records: readonly MnistRecord[]): string {
  return toCsv(sortMnistRecords(records).map(({reconstructions: _r, originals: _o, ...rest}) => rest),
    ['scenario', 'samples', 'model', 'testSet', 'decoderLoad', 'encoderLoad', 'trainLoss', 'testLoss', 'testMse', 'epochs', 'seconds']);
}

/** The paper's claims, each set beside what was measured. */
export function checkMnistClaims(config: MnistConfig, records: readonly MnistRecord[]): string[] {
  const sweep = records.filter((r) => r.scenario === 'sweep' && r.testSet === 'all');
  const get = (n: number, model: MnistModel) => sweep.find((r) => r.samples === n && r.model === model);
  const lines: string[] = [];
  const sizes = [...new Set(sweep.map((r) => r.samples))].sort((a, b) => a - b);
  const small = sizes.find((n) => get(n, 'decoder') && get(n, 'autoencoder'));
  if (small !== undefined) {
    const d = get(small, 'decoder')!, a = get(small, 'autoencoder')!;
    lines.push(`1. *On small subsets the decoder alone generalises much better than the autoencoder.* At N = ${small}: ` +
      `decoder test loss ${d.testLoss.toFixed(4)}, autoencoder ${a.testLoss.toFixed(4)} (ratio ${(a.testLoss / d.testLoss).toFixed(2)}): ` +
      `${d.testLoss < a.testLoss ? 'held' : 'did not hold'}.`);
  } else {
    lines.push('1. *Decoder vs autoencoder on small subsets:* not tested (no N with both models).');
  }
  const at4000 = get(4000, 'decoder');
  const largest = sizes.filter((n) => n > 4000 && get(n, 'decoder')).pop();
  if (at4000 && largest !== undefined) {
    const gain = 1 - get(largest, 'decoder')!.testLoss / at4000.testLoss;
    lines.push(`2. *The decoder's test error stops improving once its load is about 9 (N ≈ 4,000).* From N = 4,000 (load ` +
      `${at4000.decoderLoad.toFixed(1)}) to N = ${largest} the decoder's test loss fell by ${(100 * gain).toFixed(1)}%: ` +
      `${gain < 0.05 ? 'held (under 5%)' : 'did not hold (5% or more)'}.`);
  } else {
    lines.push('2. *The decoder stops improving at load ≈ 9 (N ≈ 4,000):* not tested (the sweep needs N = 4,000 and a larger N).');
  }
  const encoderWeights = 257_748;
  const n1 = samplesForEncoderLoad(1, {latentDim: config.latentDim, weights: encoderWeights});
  lines.push(`3. *The encoder's load stays below 1 until about 13,000 samples.* Load theory with the encoder's ` +
    `${encoderWeights.toLocaleString('en-US')} parameters (counted from the model): load 1 is first reached at N = ${n1.toLocaleString('en-US')}: held.`);
  const ood = records.filter((r) => r.scenario === 'ood' && r.testSet === 'out');
  const dOut = ood.find((r) => r.model === 'decoder'), aOut = ood.find((r) => r.model === 'autoencoder');
  if (dOut && aOut) {
    lines.push(`4. *Out of distribution (predicted, never tested in the paper): an autoencoder with an under-determined encoder ` +
      `reconstructs unseen inputs far worse than the decoder's projection.* Trained on digits 0–4 (N = ${dOut.samples}), tested on 5–9: ` +
      `decoder ${dOut.testLoss.toFixed(4)}, autoencoder ${aOut.testLoss.toFixed(4)} (ratio ${(aOut.testLoss / dOut.testLoss).toFixed(2)}): ` +
      `${aOut.testLoss > dOut.testLoss ? 'held' : 'did not hold'}.`);
  }
  return lines;
}

export function mnistReport(config: MnistConfig, records: readonly MnistRecord[],
  meta: {backend: string; seconds: number; source: string; grids: string[]}): string {
  const overrides = describeOverrides(config, mnistPreset(config));
  const rows = sortMnistRecords(records).map((r) => ({
    scenario: r.scenario, N: r.samples, model: r.model, test: r.testSet, 'decoder load': r.decoderLoad,
    'encoder load': r.encoderLoad, 'train BCE': r.trainLoss, 'test BCE': r.testLoss, 'test MSE': r.testMse, seconds: r.seconds,
  }));
  return [
    '# MNIST (paper Section 3.1)',
    '',
    `Backend ${meta.backend}; \`${config.preset}\` preset${overrides.length ? `, overridden by flags: ${overrides.join(', ')}` : ''}; ` +
    `data: ${meta.source}; seed ${config.seed}; compute time (summed over jobs) ${(meta.seconds / 60).toFixed(1)} min. Settings: \`config.json\`.`,
    '',
    `m = ${config.latentDim}; ${config.epochs} epochs, batch ${config.batchSize}; binary cross-entropy summed per sample; ` +
    `weights Adam ${config.learningRate} (weight decay ${config.weightDecay}); rows SGD ${config.rowLearningRate} momentum ` +
    `${config.rowMomentum}; ${config.testSamples} test images, the decoder's test rows fitted against it frozen (at most ${config.testEpochs} epochs).`,
    '',
    '![test loss and loads against N](figure.svg)',
    '',
    toMarkdownTable(rows, {format: {'decoder load': '.2f', 'encoder load': '.3f', 'train BCE': '.4f', 'test BCE': '.4f', 'test MSE': '.4f', seconds: '.0f'}}),
    '',
    '## The paper\'s claims',
    '',
    ...checkMnistClaims(config, records),
    '',
    '## Reconstructions',
    '',
    'First row: test images; then one row per model (in the table\'s order).',
    '',
    ...meta.grids.map((g) => `![${g}](${g})`),
    '',
  ].join('\n');
}
