import type {LineChartOptions, ScatterChartOptions} from '@encoderless/report';
import {BadDataError} from '@encoderless/errors';
import type {AutoDecoder} from './auto-decoder';
import {sizeOf} from './data-input';
import {principalComponents} from './principal-components';

/** The numbers of a fit, for a short report (`formatFitReport`) or a run's config.json. */
export interface FitSummary {
  readonly trainingSamples: number;
  readonly validationSamples: number;
  readonly featureShape: readonly number[];
  readonly latentDim: number;
  /** 'mlp-decoder', 'cifar-decoder', 'custom module', … */
  readonly decoder: string;
  readonly parameters: number;
  /** N·n / (W + N·m), eq. 3, with N the training samples. */
  readonly decoderLoad: number;
  /** A sentence when the load is below 1 (the decoder can memorise the training data), else null. */
  readonly loadWarning: string | null;
  readonly loss: string;
  readonly normalize: string;
  readonly epochsRun: number;
  readonly epochs: number;
  readonly stopReason: string;
  readonly bestEpoch: number | null;
  readonly finalTrainingLoss: number;
  readonly bestValidationLoss: number | null;
}

/**
 * The numbers of a fitted model: sizes, decoder and its parameter count, the decoder load
 * (`@encoderless/load`'s `decoderLoad`) with a warning below 1, the losses and why the fit ended.
 *
 * ```ts
 * const summary = summarizeFit(model);
 * if (summary.loadWarning) console.warn(summary.loadWarning);
 * ```
 */
export function summarizeFit(model: AutoDecoder): FitSummary {
  const load = model.decoderLoad();
  const validation = model.history.map((r) => r.validationLoss).filter((v): v is number => v !== undefined);
  const trainingSamples = model.size - model.validationIndices.length;
  return {
    trainingSamples, validationSamples: model.validationIndices.length, featureShape: model.featureShape,
    latentDim: model.latentDim, decoder: model.decoder.description, parameters: model.countParameters(), decoderLoad: load,
    loadWarning: loadWarning({load, parameters: model.countParameters(), samples: trainingSamples, latentDim: model.latentDim,
      entries: sizeOf(model.featureShape)}),
    loss: model.settings.loss, normalize: model.settings.normalize, epochsRun: model.history.length, epochs: model.settings.epochs,
    stopReason: model.stopReason, bestEpoch: model.bestEpoch, finalTrainingLoss: model.history.at(-1)?.loss ?? NaN,
    bestValidationLoss: validation.length > 0 ? Math.min(...validation) : null,
  };
}

/**
 * A sentence when a decoder load is below 1 (the decoder can memorise its training samples),
 * else null: what `summarizeFit` and `fitAutoDecoder`'s `onStart` report.
 */
export function loadWarning(o: {load: number; parameters: number; samples: number; latentDim: number; entries: number}): string | null {
  return o.load < 1
    ? `decoder load ${o.load.toFixed(2)} < 1: the decoder has more free parameters (${o.parameters} weights + ` +
      `${o.samples}·${o.latentDim} representation values) than the data has numbers ` +
      `(${o.samples}·${o.entries}), so it can memorise the training samples; use a smaller decoder, ` +
      'a smaller latent dimension or more samples'
    : null;
}

/** The summary as a short markdown report: a table of settings and results, the load warning first. */
export function formatFitReport(summary: FitSummary, title = 'Auto-decoder fit'): string {
  const g = (v: number) => (Number.isFinite(v) ? Number(v.toPrecision(4)).toString() : String(v));
  const rows: [string, string][] = [
    ['samples', `${summary.trainingSamples} training${summary.validationSamples ? ` + ${summary.validationSamples} validation` : ''}`],
    ['sample shape', `[${summary.featureShape.join(', ')}]`],
    ['latent dimension', String(summary.latentDim)],
    ['decoder', `${summary.decoder}, ${summary.parameters.toLocaleString('en-US')} parameters`],
    ['decoder load (eq. 3)', g(summary.decoderLoad)],
    ['loss, normalisation', `${summary.loss}, ${summary.normalize}`],
    ['epochs', `${summary.epochsRun} of ${summary.epochs} (${summary.stopReason})`],
    ['final training loss per entry', g(summary.finalTrainingLoss)],
  ];
  if (summary.bestValidationLoss !== null) {
    rows.push(['best validation loss per entry', `${g(summary.bestValidationLoss)} (epoch ${summary.bestEpoch! + 1}, kept)`]);
  }
  return [`# ${title}`, '', ...(summary.loadWarning ? [`**Warning:** ${summary.loadWarning}.`, ''] : []),
    '| | |', '| --- | --- |', ...rows.map(([k, v]) => `| ${k} | ${v} |`), ''].join('\n');
}

/** The training (and validation) loss per epoch as a line chart for `renderLineChart`. */
export function lossCurve(model: AutoDecoder): LineChartOptions {
  const validation = model.history.filter((r) => r.validationLoss !== undefined);
  return {
    title: 'Loss per entry', xLabel: 'epoch', yLabel: `${model.settings.loss} per entry`, yScale: 'log', markers: validation.length < 30,
    series: [
      {label: 'training', points: model.history.map((r) => [r.epoch + 1, r.loss] as const)},
      ...(validation.length > 0 ? [{label: 'validation', points: validation.map((r) => [r.epoch + 1, r.validationLoss!] as const)}] : []),
    ],
  };
}

/**
 * A 2-D map of representations: their first two principal components as a scatter plot for
 * `renderScatterChart` / `renderScatterPng`, one colour per label when `labels` (one per row,
 * e.g. a CSV's class column) are given, in order of first appearance. Axis titles give each
 * component's share of the variance.
 *
 * ```ts
 * const map = representationMap(model.representations, {labels: model.labels?.species});
 * await writeFileAtomic('map.svg', renderScatterChart(map));
 * ```
 */
export function representationMap(representations: readonly (readonly number[])[], options: {
  readonly labels?: readonly string[] | null;
  readonly title?: string;
  readonly width?: number;
  readonly height?: number;
} = {}): ScatterChartOptions {
  const {labels} = options;
  if (labels && labels.length !== representations.length) {
    throw new BadDataError(`representationMap: labels has ${labels.length} entries, representations ${representations.length}`, {option: 'labels'});
  }
  const dim = representations[0]?.length ?? 0;
  const pca = dim >= 2 ? principalComponents(representations, 2) : null;
  const point = (i: number): [number, number] => pca ? [pca.scores[i][0], pca.scores[i][1]] : [representations[i][0], 0];
  const groups = new Map<string, [number, number][]>();
  representations.forEach((_, i) => {
    const key = labels ? labels[i] : 'samples';
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(point(i));
  });
  const pct = (i: number) => (pca ? ` (${(100 * pca.explained[i]).toFixed(1)}% of the variance)` : '');
  return {
    title: options.title ?? `Representations, first two principal components`,
    xLabel: `PC 1${pct(0)}`, yLabel: pca ? `PC 2${pct(1)}` : '', width: options.width ?? 640, height: options.height ?? 480,
    series: [...groups].map(([label, points]) => ({label, points})),
    legend: labels ? 'auto' : 'none',
  };
}
