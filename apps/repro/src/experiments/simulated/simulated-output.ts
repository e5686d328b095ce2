import {renderChartGrid, toCsv, toMarkdownTable, type LineSeries} from '@encoderless/report';
import {formatClaim, notTested, type ClaimCheck} from '../../claims/claims';
import {describeInference} from '../../protocol/protocol-knobs';
import type {OutputInput, Outputs} from '../../sweep/experiment';
import {runHeader} from '../../sweep/report-text';
import {sortByKeys} from '../../sweep/sort-by-keys';
import type {SimulatedConfig} from './simulated-config';
import type {SimulatedRecord} from './simulated-jobs';

const MODELS = ['decoder', 'encoder', 'autoencoder'] as const;
const LABELS: Record<(typeof MODELS)[number], string> = {
  decoder: 'decoder alone (rows fitted)',
  encoder: 'encoder on frozen decoder',
  autoencoder: 'autoencoder from scratch',
};

/** Records in table order: by N, then model. */
export function sortRecords(records: readonly SimulatedRecord[]): SimulatedRecord[] {
  return sortByKeys(records, (r) => [r.samples, MODELS.indexOf(r.model)]);
}

/** Two panels: test loss and mean |PCC| against the decoder load, one line per model. */
export function renderSimulatedFigure(records: readonly SimulatedRecord[]): string {
  const series = (y: (r: SimulatedRecord) => number): LineSeries[] => MODELS.map((model) => ({
    label: LABELS[model],
    points: sortRecords(records).filter((r) => r.model === model).map((r) => [r.decoderLoad, y(r)] as const),
    markers: true,
  }));
  return renderChartGrid([
    {title: 'Test reconstruction loss', xLabel: 'decoder load N·n / (W + N·m)', yLabel: 'MSE per entry',
      yScale: 'log', series: series((r) => r.testLoss), id: 'loss'},
    {title: 'Recovered regulators', xLabel: 'decoder load N·n / (W + N·m)', yLabel: 'mean |PCC| over units',
      yDomain: [0, 1], series: series((r) => r.pcc), id: 'pcc'},
  ], {columns: 2, title: 'Simulated regulatory network (paper Section 3.3)'});
}

/** The CSV of results.json's records (wall times are in timings.json). */
export function simulatedCsv(records: readonly SimulatedRecord[]): string {
  return toCsv(sortRecords(records) as unknown as Record<string, unknown>[],
    ['samples', 'model', 'decoderLoad', 'encoderLoad', 'trainLoss', 'testLoss', 'pcc', 'pccFlattened', 'epochs']);
}

/** The paper's words for the prediction, and its thresholds: "approaches 1" is |PCC| ≥ 0.95; "clearly below" is 0.05 lower. */
export const SIMULATED_CLAIM = {
  words: "the decoder's representation approaches the true one (|PCC| → 1) once its load is above about 5, " +
    'while the encoder on the frozen decoder and the autoencoder stay clearly below it',
  load: 5,
  approachesOne: 0.95,
  clearlyBelow: 0.05,
} as const;

/**
 * The prediction, checked at every N with decoder load ≥ 5 where all three models ran: held at
 * an N when the decoder's |PCC| ≥ 0.95 and both others are at least 0.05 below it.
 */
export function checkPrediction(records: readonly SimulatedRecord[]): ClaimCheck[] {
  const c = SIMULATED_CLAIM;
  const high = records.filter((r) => r.decoderLoad >= c.load);
  const sizes = [...new Set(high.map((r) => r.samples))].sort((a, b) => a - b)
    .filter((n) => MODELS.every((m) => high.some((r) => r.samples === n && r.model === m)));
  if (sizes.length === 0) return [notTested(c.words, `No size with decoder load ≥ ${c.load} and all three models was run`)];
  return sizes.map((n) => {
    const get = (m: string) => high.find((r) => r.samples === n && r.model === m)!;
    const d = get('decoder'), e = get('encoder'), a = get('autoencoder');
    const gap = Math.min(d.pcc - e.pcc, d.pcc - a.pcc);
    const ok = d.pcc >= c.approachesOne && gap >= c.clearlyBelow;
    return {
      claim: c.words, verdict: ok ? 'held' : 'did not hold',
      detail: `N = ${n} (decoder load ${d.decoderLoad.toFixed(2)}): decoder |PCC| **${d.pcc.toFixed(3)}** (threshold ≥ ${c.approachesOne}), ` +
        `encoder ${e.pcc.toFixed(3)}, autoencoder ${a.pcc.toFixed(3)}: the decoder ahead by **${gap.toFixed(3)}** (threshold ≥ ${c.clearlyBelow})`,
    };
  });
}

export function simulatedOutputs(input: OutputInput<SimulatedConfig, SimulatedRecord>): Outputs {
  const {config} = input;
  const sorted = sortRecords(input.records);
  const rows = sorted.map((r) => ({
    N: r.samples, model: r.model, 'decoder load': r.decoderLoad, 'encoder load': r.encoderLoad,
    'train loss': r.trainLoss, 'test loss': r.testLoss, '|PCC| per unit': r.pcc, 'PCC flattened': r.pccFlattened,
    epochs: r.epochs, seconds: r.seconds,
  }));
  const report = [
    '# Simulated regulatory network (paper Section 3.3)',
    '',
    runHeader(input, 'three sizes, 150 epochs, higher Adam rates: not the paper\'s settings'),
    '',
    `n = ${config.dataDim} genes, m = ${config.latentDim} regulators, connectivity ${config.connectivity}, noise σ = ${config.noiseStd}, ` +
    `${config.testSamples} fresh test samples per N. Decoder: ${config.epochs} epochs (Adam ${config.learningRate}, rows SGD ` +
    `${config.rowLearningRate} momentum ${config.rowMomentum}); encoder on the frozen decoder ${config.epochs} epochs and autoencoder ` +
    `${config.autoencoderEpochs} epochs (Adam ${config.autoencoderLearningRate}); weight decay ${config.weightDecay}; batch ${config.batchSize}; ` +
    `${describeInference(config.inference)}.`,
    '',
    '![loss and PCC against load](figure.svg)',
    '',
    toMarkdownTable(rows, {format: {
      'decoder load': '.2f', 'encoder load': '.3f', 'train loss': '.4g', 'test loss': '.4g',
      '|PCC| per unit': '.3f', 'PCC flattened': '.3f', seconds: '.1f',
    }}),
    '',
    '`|PCC| per unit`: for each regulator, the Pearson correlation between its true and learned test values ' +
    'across test samples, absolute value averaged over regulators (a unit\'s scale and sign are free). ' +
    '`PCC flattened` correlates all entries at once and is near 0 even for a perfect fit; it is shown only so nobody mistakes it for the measure.',
    '',
    '## The prediction',
    '',
    ...checkPrediction(input.records).map((c) => `- ${formatClaim(c)}`),
    '',
  ].join('\n');
  return {
    records: sorted,
    files: {'results.csv': simulatedCsv(sorted), 'figure.svg': renderSimulatedFigure(sorted), 'report.md': report},
  };
}
