import {countParameters, samplesForEncoderLoad} from '@encoderless/load';
import {createMnistEncoder} from '@encoderless/models';
import {renderChartGrid, toCsv, toMarkdownTable, type LineSeries} from '@encoderless/report';
import {renderImageGrid} from '@encoderless/report/node';
import {ABOUT_RELATIVE, checkMuchLarger, formatClaims, notTested, STOPS_IMPROVING, type ClaimCheck} from '../../claims/claims';
import {describeInference} from '../../protocol/protocol-knobs';
import type {OutputInput, Outputs} from '../../sweep/experiment';
import {runHeader} from '../../sweep/report-text';
import {sortByKeys} from '../../sweep/sort-by-keys';
import type {MnistConfig} from './mnist-config';
import type {MnistModel, MnistRecord} from './mnist-jobs';

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

/** The CSV of results.json's records, without the pixel arrays (wall times are in timings.json). */
export function mnistCsv(records: readonly MnistRecord[]): string {
  return toCsv(sortMnistRecords(records).map(({reconstructions: _r, originals: _o, ...rest}) => rest),
    ['scenario', 'samples', 'model', 'testSet', 'decoderLoad', 'encoderLoad', 'trainLoss', 'testLoss', 'testMse', 'epochs']);
}

/** The paper's words, as the checks quote them. */
export const MNIST_CLAIMS = {
  muchBetter: 'On small subsets the decoder alone generalises much better than the autoencoder',
  stopsImproving: "The decoder's test error stops improving once its load is about 9 (N ≈ 4,000)",
  encoderLoad: "The encoder's load stays below 1 until about 13,000 samples",
  outOfDistribution: 'An autoencoder with an under-determined encoder reconstructs unseen inputs far worse than the ' +
    "decoder's projection (predicted, never tested in the paper)",
} as const;

/**
 * The paper's claims, each checked against what was measured: its threshold (see
 * claims.ts), the measured value, and held / did not hold / not tested. `encoderWeights` is the
 * MNIST encoder's parameter count, counted from the model.
 */
export function checkMnistClaims(config: MnistConfig, records: readonly MnistRecord[], encoderWeights: number): ClaimCheck[] {
  const c = MNIST_CLAIMS;
  const sweep = records.filter((r) => r.scenario === 'sweep' && r.testSet === 'all');
  const get = (n: number, model: MnistModel) => sweep.find((r) => r.samples === n && r.model === model);
  const sizes = [...new Set(sweep.map((r) => r.samples))].sort((a, b) => a - b);
  const checks: ClaimCheck[] = [];
  const small = sizes.find((n) => get(n, 'decoder') && get(n, 'autoencoder'));
  if (small === undefined) {
    checks.push(notTested(c.muchBetter, 'no N with both the decoder and the autoencoder from scratch'));
  } else {
    const d = get(small, 'decoder')!, a = get(small, 'autoencoder')!;
    checks.push(checkMuchLarger(c.muchBetter, `at N = ${small}, test BCE: autoencoder ${a.testLoss.toFixed(4)} / decoder ${d.testLoss.toFixed(4)}`,
      a.testLoss, d.testLoss));
  }
  const at4000 = get(4000, 'decoder');
  const largest = sizes.filter((n) => n > 4000 && get(n, 'decoder')).pop();
  if (at4000 && largest !== undefined) {
    const gain = 1 - get(largest, 'decoder')!.testLoss / at4000.testLoss;
    checks.push({
      claim: c.stopsImproving, verdict: gain < STOPS_IMPROVING ? 'held' : 'did not hold',
      detail: `from N = 4,000 (load ${at4000.decoderLoad.toFixed(1)}) to N = ${largest.toLocaleString('en-US')} the decoder's test BCE fell by ` +
        `**${(100 * gain).toFixed(1)}%** (threshold: under ${100 * STOPS_IMPROVING}% for "stops improving")`,
    });
  } else {
    checks.push(notTested(c.stopsImproving, 'the sweep needs N = 4,000 and a larger N'));
  }
  const n1 = samplesForEncoderLoad(1, {latentDim: config.latentDim, weights: encoderWeights});
  const off = Math.abs(n1 - 13_000) / 13_000;
  checks.push({
    claim: c.encoderLoad, verdict: off <= ABOUT_RELATIVE ? 'held' : 'did not hold',
    detail: `load theory with the encoder's ${encoderWeights.toLocaleString('en-US')} parameters (counted from the model) and m = ` +
      `${config.latentDim}: load 1 is first reached at N = **${n1.toLocaleString('en-US')}** (threshold: within ${100 * ABOUT_RELATIVE}% of 13,000 for "about")`,
  });
  const ood = records.filter((r) => r.scenario === 'ood' && r.testSet === 'out');
  const dOut = ood.find((r) => r.model === 'decoder'), aOut = ood.find((r) => r.model === 'autoencoder');
  if (dOut && aOut) {
    checks.push(checkMuchLarger(c.outOfDistribution, `trained on digits 0–4 (N = ${dOut.samples}), tested on 5–9, test BCE: ` +
      `autoencoder ${aOut.testLoss.toFixed(4)} / decoder ${dOut.testLoss.toFixed(4)}`, aOut.testLoss, dOut.testLoss, 'far'));
  } else {
    checks.push(notTested(c.outOfDistribution, 'the ood scenario did not run'));
  }
  return checks;
}

/** The MNIST encoder's free parameters for a representation dimension, counted from the model itself. */
export function mnistEncoderWeights(latentDim: number): number {
  const encoder = createMnistEncoder({latentDim});
  try {
    return countParameters(encoder);
  } finally {
    encoder.dispose();
  }
}

export function mnistOutputs(input: OutputInput<MnistConfig, MnistRecord>): Outputs {
  const {config} = input;
  const sorted = sortMnistRecords(input.records);
  const files: Record<string, string | Uint8Array> = {'results.csv': mnistCsv(sorted), 'figure.svg': renderMnistFigure(sorted)};
  const grids: string[] = [];
  for (const n of config.scenario.includes('sweep') ? config.sizes : []) {
    const png = renderMnistGrid(sorted.filter((r) => r.scenario === 'sweep' && r.samples === n));
    if (png) files[`reconstructions-N${n}.png`] = png;
  }
  for (const testSet of ['in', 'out'] as const) {
    const png = renderMnistGrid(sorted.filter((r) => r.scenario === 'ood' && r.testSet === testSet));
    if (png) files[`reconstructions-ood-${testSet}.png`] = png;
  }
  grids.push(...Object.keys(files).filter((f) => f.endsWith('.png')));
  const rows = sorted.map((r) => ({
    scenario: r.scenario, N: r.samples, model: r.model, test: r.testSet, 'decoder load': r.decoderLoad,
    'encoder load': r.encoderLoad, 'train BCE': r.trainLoss, 'test BCE': r.testLoss, 'test MSE': r.testMse, seconds: r.seconds,
  }));
  files['report.md'] = [
    '# MNIST (paper Section 3.1)',
    '',
    runHeader(input, 'two small N, 4 epochs: not the paper\'s settings'),
    '',
    `m = ${config.latentDim}; ${config.epochs} epochs, batch ${config.batchSize}; binary cross-entropy summed per sample; ` +
    `weights Adam ${config.learningRate} (autoencoders ${config.autoencoderLearningRate}; weight decay ${config.weightDecay}); rows SGD ` +
    `${config.rowLearningRate} momentum ${config.rowMomentum}; ${config.testSamples} test images; ${describeInference(config.inference)}.`,
    '',
    '![test loss and loads against N](figure.svg)',
    '',
    toMarkdownTable(rows, {format: {'decoder load': '.2f', 'encoder load': '.3f', 'train BCE': '.4f', 'test BCE': '.4f', 'test MSE': '.4f', seconds: '.0f'}}),
    '',
    '## The paper\'s claims',
    '',
    ...formatClaims(checkMnistClaims(config, input.records, mnistEncoderWeights(config.latentDim))),
    '',
    '## Reconstructions',
    '',
    'First row: test images; then one row per model (in the table\'s order).',
    '',
    ...grids.map((g) => `![${g}](${g})`),
    '',
  ].join('\n');
  return {records: sorted, files};
}
