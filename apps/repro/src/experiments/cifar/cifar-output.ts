import {renderChartGrid, toCsv, toMarkdownTable, type LineChartOptions, type LineSeries} from '@encoderless/report';
import {renderImageGrid} from '@encoderless/report/node';
import {ABOUT_THREE, formatClaims, GAP_CLOSED, notTested, type ClaimCheck} from '../../claims/claims';
import {describeInference} from '../../protocol/protocol-knobs';
import type {OutputInput, Outputs} from '../../sweep/experiment';
import {runHeader} from '../../sweep/report-text';
import {sortByKeys} from '../../sweep/sort-by-keys';
import {CIFAR_MODELS, splitModelName, type CifarConfig, type CifarModelName} from './cifar-config';
import type {CifarRecord} from './cifar-jobs';

export function sortCifarRecords(records: readonly CifarRecord[]): CifarRecord[] {
  return sortByKeys(records, (r) => [r.scenario === 'subsets' ? 0 : 1, CIFAR_MODELS.indexOf(r.model), r.perClass, r.seedIndex]);
}

/** The subset experiment per (model, images per class), over its seeds. */
export interface CifarSummary {
  readonly model: CifarModelName;
  readonly perClass: number;
  readonly samples: number;
  readonly seeds: number;
  readonly decoderLoad: number;
  readonly encoderLoad: number;
  readonly trainLoss: number;
  /** Mean test MSE per entry over the seeds. */
  readonly testLoss: number;
  /** Sample standard deviation over the seeds (0 for one seed). */
  readonly testStd: number;
  readonly testMin: number;
  readonly testMax: number;
  /** Mean seconds per seed. */
  readonly seconds: number;
}

export function summariseCifarSubsets(records: readonly CifarRecord[]): CifarSummary[] {
  const groups = new Map<string, CifarRecord[]>();
  for (const r of sortCifarRecords(records).filter((r) => r.scenario === 'subsets')) {
    const key = `${r.model}/${r.perClass}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.values()].map((rs) => {
    const losses = rs.map((r) => r.testLoss);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const mu = mean(losses);
    const std = rs.length > 1 ? Math.sqrt(losses.reduce((s, x) => s + (x - mu) ** 2, 0) / (rs.length - 1)) : 0;
    return {
      model: rs[0].model, perClass: rs[0].perClass, samples: rs[0].samples, seeds: rs.length,
      decoderLoad: rs[0].decoderLoad, encoderLoad: rs[0].encoderLoad, trainLoss: mean(rs.map((r) => r.trainLoss)),
      testLoss: mu, testStd: std, testMin: Math.min(...losses), testMax: Math.max(...losses), seconds: mean(rs.map((r) => r.seconds)),
    };
  });
}

const LABEL: Record<'decoder' | 'autoencoder', string> = {decoder: 'decoder alone (rows fitted)', autoencoder: 'autoencoder'};

function variantsOf(models: readonly CifarModelName[]): ('1x1' | '4x4')[] {
  return (['1x1', '4x4'] as const).filter((v) => models.some((m) => splitModelName(m).variant === v));
}

/** Like Figure 3a/c: test loss against images per class, one panel per variant, bars min–max over seeds. */
export function renderCifarSubsetFigure(summary: readonly CifarSummary[]): string {
  const charts: LineChartOptions[] = variantsOf(summary.map((s) => s.model)).map((variant) => ({
    id: `subsets-${variant}`, title: `${variant} models`, xLabel: 'training images per class', yLabel: 'test MSE per entry (pixel × channel)',
    xScale: 'log', markers: true,
    series: (['decoder', 'autoencoder'] as const).flatMap((kind): LineSeries[] => {
      const rows = summary.filter((s) => s.model === `${kind}_${variant}`);
      return rows.length === 0 ? [] : [{
        label: `${LABEL[kind]}, mean of ${Math.max(...rows.map((r) => r.seeds))} seeds`,
        points: rows.map((r) => [r.perClass, r.testLoss] as const),
        errorBars: rows.map((r) => [r.testMin, r.testMax] as const),
      }];
    }),
  }));
  return renderChartGrid(charts, {columns: charts.length, title: 'CIFAR-10: test loss against training-set size (bars: min–max over seeds)'});
}

/** Like Figure 3b: test loss (solid) and running training loss (dashed) against epoch, one panel per variant. */
export function renderCifarCurveFigure(records: readonly CifarRecord[]): string {
  const curves = sortCifarRecords(records).filter((r) => r.scenario === 'curves');
  const palette = {decoder: '#1f77b4', autoencoder: '#d62728'};
  const charts: LineChartOptions[] = variantsOf(curves.map((r) => r.model)).map((variant) => ({
    id: `curves-${variant}`, title: `${variant} models, ${curves[0]?.perClass ?? 0} images per class`, xLabel: 'epoch',
    yLabel: 'MSE per entry (pixel × channel)', xScale: 'log', yScale: 'log', markers: true,
    series: curves.filter((r) => splitModelName(r.model).variant === variant).flatMap((r): LineSeries[] => {
      const kind = splitModelName(r.model).kind;
      return [
        {label: `${LABEL[kind]}: test`, color: palette[kind], points: r.curve.map((p) => [p.epoch, p.testLoss] as const)},
        {label: `${LABEL[kind]}: training (running)`, color: palette[kind], dashed: true,
          points: r.curve.map((p) => [p.epoch, p.runningTrainLoss] as const)},
      ];
    }),
  }));
  return renderChartGrid(charts, {columns: Math.max(1, charts.length), title: 'CIFAR-10: learning curves'});
}

/**
 * One reconstruction grid: the originals in the first row, then one row per record (in the
 * records' order) as reconstructed after `epoch`. Null when no record has that epoch.
 */
export function renderCifarGrid(records: readonly CifarRecord[], epoch: number): Uint8Array | null {
  const withGrid = records.filter((r) => r.grids.some((g) => g.epoch === epoch));
  const originals = withGrid.find((r) => r.originals)?.originals;
  if (withGrid.length === 0 || originals === undefined) return null;
  const images: Float32Array[] = originals.map((px) => Float32Array.from(px, (v) => v / 255));
  for (const r of withGrid) for (const px of r.grids.find((g) => g.epoch === epoch)!.pixels) images.push(Float32Array.from(px, (v) => v / 255));
  return renderImageGrid({images, imageHeight: 32, imageWidth: 32, channels: 3, rows: withGrid.length + 1, cols: originals.length, scale: 3});
}

/** The CSV of results.json's records, without curves and pixels (wall times are in timings.json). */
export function cifarCsv(records: readonly CifarRecord[]): string {
  return toCsv(sortCifarRecords(records).map(({curve: _c, grids: _g, originals: _o, ...rest}) => rest),
    ['scenario', 'model', 'perClass', 'samples', 'seedIndex', 'decoderLoad', 'encoderLoad', 'weights', 'trainLoss', 'testLoss',
      'testImages', 'epochs']);
}

/** The autoencoder-to-decoder ratio of mean test losses at one size and variant, if both ran. */
function ratio(summary: readonly CifarSummary[], variant: '1x1' | '4x4', perClass: number) {
  const d = summary.find((s) => s.model === `decoder_${variant}` && s.perClass === perClass);
  const a = summary.find((s) => s.model === `autoencoder_${variant}` && s.perClass === perClass);
  return d && a ? {d, a, value: a.testLoss / d.testLoss} : undefined;
}

/** The paper's words, as the checks quote them. */
export const CIFAR_CLAIMS = {
  threeTimes: "With 50 images per class the autoencoder_1x1's test loss is about three times the decoder_1x1's",
  gapCloses: 'The gap closes on the full training set',
  sharper: "The decoders' reconstructions look better (sharper colour) even where the losses meet",
} as const;

/**
 * The paper's Section 3.2 claims, each checked: "about three times" holds for a ratio in
 * [2, 4.5] (`ABOUT_THREE`); "the gap closes" when the ratio falls and ends within 0.25 of 1
 * (`GAP_CLOSED`). The 4x4 ratio is reported, as the paper states no number for it.
 */
export function checkCifarClaims(summary: readonly CifarSummary[]): ClaimCheck[] {
  const c = CIFAR_CLAIMS;
  const checks: ClaimCheck[] = [];
  const sizes = [...new Set(summary.map((s) => s.perClass))].sort((a, b) => a - b);
  const smallest = sizes.find((n) => ratio(summary, '1x1', n));
  if (smallest === undefined) {
    checks.push(notTested(c.threeTimes, 'both 1x1 models are needed'));
  } else {
    const {d, a, value} = ratio(summary, '1x1', smallest)!;
    const finite = Number.isFinite(value) && Number.isFinite(d.testLoss);
    checks.push({
      claim: c.threeTimes,
      verdict: finite && value >= ABOUT_THREE.low && value <= ABOUT_THREE.high ? 'held' : 'did not hold',
      detail: `at ${smallest} per class${smallest === 50 ? '' : ' (the smallest size run)'}, mean test MSE over ${d.seeds} seed(s): ` +
        `autoencoder ${a.testLoss.toFixed(4)} / decoder ${d.testLoss.toFixed(4)}: ratio **${finite ? value.toFixed(2) : 'not finite (a run diverged)'}** ` +
        `(threshold: between ${ABOUT_THREE.low} and ${ABOUT_THREE.high} for "about three")`,
    });
  }
  const largest = sizes.filter((n) => ratio(summary, '1x1', n)).pop();
  if (smallest !== undefined && largest !== undefined && largest > smallest) {
    const small = ratio(summary, '1x1', smallest)!.value, big = ratio(summary, '1x1', largest)!.value;
    checks.push({
      claim: c.gapCloses, verdict: big < small && Math.abs(big - 1) < GAP_CLOSED ? 'held' : 'did not hold',
      detail: `ratio ${small.toFixed(2)} at ${smallest} per class, **${big.toFixed(2)}** at ${largest} per class` +
        `${largest >= 5000 ? '' : ' (not the full set)'} (threshold: falling, and within ${GAP_CLOSED} of 1 for "closes")`,
    });
  } else {
    checks.push(notTested(c.gapCloses, 'needs a larger size with both 1x1 models'));
  }
  const small4 = sizes.find((n) => ratio(summary, '4x4', n));
  if (small4 !== undefined) {
    checks.push({claim: 'The 4x4 models (Figure 3c)', verdict: 'not tested',
      detail: `the paper gives no number; at ${small4} per class the autoencoder_4x4 / decoder_4x4 ratio is ${ratio(summary, '4x4', small4)!.value.toFixed(2)}`});
  }
  checks.push(notTested(c.sharper, 'not measured; see the grids below'));
  return checks;
}

export function cifarOutputs(input: OutputInput<CifarConfig, CifarRecord>): Outputs {
  const {config} = input;
  const records = sortCifarRecords(input.records);
  const summary = summariseCifarSubsets(records);
  const files: Record<string, string | Uint8Array> = {'results.csv': cifarCsv(records)};
  const subsets = records.filter((r) => r.scenario === 'subsets' && r.seedIndex === 0);
  for (const perClass of config.scenario.includes('subsets') ? config.sizes : []) {
    const png = renderCifarGrid(subsets.filter((r) => r.perClass === perClass), config.epochs);
    if (png) files[`reconstructions-${perClass}-per-class.png`] = png;
  }
  const curves = records.filter((r) => r.scenario === 'curves');
  for (const epoch of config.scenario.includes('curves') ? config.gridEpochs : []) {
    const png = renderCifarGrid(curves, epoch);
    if (png) files[`reconstructions-curves-epoch${epoch}.png`] = png;
  }
  const grids = Object.keys(files).filter((f) => f.endsWith('.png'));
  if (subsets.length) files['subsets.svg'] = renderCifarSubsetFigure(summary);
  if (curves.length) files['curves.svg'] = renderCifarCurveFigure(records);
  files['report.md'] = cifarReport(input, records, summary, grids);
  return {records: records.map(({grids: _g, originals: _o, ...rest}) => rest), results: {summary}, files};
}

function cifarReport(input: OutputInput<CifarConfig, CifarRecord>, records: readonly CifarRecord[], summary: readonly CifarSummary[],
  grids: readonly string[]): string {
  const {config} = input;
  const table = summary.map((s) => ({
    model: s.model, 'per class': s.perClass, N: s.samples, 'decoder load': s.decoderLoad, 'encoder load': s.encoderLoad,
    seeds: s.seeds, 'train MSE': s.trainLoss, 'test MSE (mean)': s.testLoss, '± std': s.testStd, min: s.testMin, max: s.testMax,
    'seconds / seed': s.seconds,
  }));
  const curves = records.filter((r) => r.scenario === 'curves');
  const epochs = [...new Set(curves.flatMap((r) => r.curve.map((p) => p.epoch)))].sort((a, b) => a - b);
  const curveTable = curves.map((r) => Object.fromEntries([
    ['model', r.model],
    ...epochs.map((e) => [`epoch ${e}`, r.curve.find((p) => p.epoch === e)?.testLoss ?? NaN]),
  ]));
  const fmt = (keys: string[], f: string) => Object.fromEntries(keys.map((k) => [k, f]));
  return [
    '# CIFAR-10 (paper Section 3.2)',
    '',
    runHeader(input, 'five images per class, a few epochs: not the paper\'s settings'),
    '',
    `Training loss: squared error summed over the batch; batch ${config.batchSize}; weights Adam ${config.learningRate} ` +
    `(autoencoders ${config.autoencoderLearningRate}; weight decay ${config.weightDecay}); ` +
    `rows SGD ${config.rowLearningRate} momentum ${config.rowMomentum}; batch norm in training mode while training, on its running ` +
    `statistics for testing. Test set: a class-balanced ${config.testFraction} of the test split; ${describeInference(config.inference)}. ` +
    'Losses below are mean squared error per entry (pixel × channel), pixels in [0, 1].',
    '',
    ...(summary.length ? [
      `## Subsets: ${config.epochs} epochs, ${config.seeds} seed(s)`,
      '',
      '![test loss against images per class](subsets.svg)',
      '',
      toMarkdownTable(table, {format: {
        ...fmt(['decoder load', 'encoder load'], '.3f'), ...fmt(['train MSE', 'test MSE (mean)', '± std', 'min', 'max'], '.4f'),
        'seconds / seed': '.0f',
      }}),
      '',
    ] : []),
    ...(curves.length ? [
      `## Learning curves: ${curves[0].perClass} images per class, ${curves[0].epochs} epochs`,
      '',
      '![test loss against epoch](curves.svg)',
      '',
      toMarkdownTable(curveTable, {format: fmt(epochs.map((e) => `epoch ${e}`), '.4f')}),
      '',
    ] : []),
    '## The paper\'s claims',
    '',
    ...formatClaims(checkCifarClaims(summary)),
    '',
    '## Reconstructions',
    '',
    'First row: the test images; then one row per model, in the order decoder_1x1, autoencoder_1x1, decoder_4x4, autoencoder_4x4 ' +
    '(those that ran).',
    '',
    ...grids.map((g) => `![${g}](${g})`),
    '',
  ].join('\n');
}
