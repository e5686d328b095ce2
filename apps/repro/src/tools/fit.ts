import {join} from 'node:path';
import {
  fitAutoDecoder, formatFitReport, lossCurve, representationMap, summarizeFit, toTable, type DecoderOption, type FitAutoDecoderOptions,
} from '@encoderless/autodecoder';
import {fileHandler} from '@encoderless/autodecoder/node';
import {describeAdapter, describeBackend, useBackend} from '@encoderless/backends';
import {writeCsv} from '@encoderless/datasets/node';
import {BadConfigError} from '@encoderless/errors';
import {createProgress, renderLineChart, renderScatterChart} from '@encoderless/report';
import {renderScatterPng, writeFileAtomic, writeJsonAtomic} from '@encoderless/report/node';
import {formatFlagHelp, parseCommandLine} from '../flags/command-line';
import type {Knobs} from '../flags/knobs';
import {onPath} from '../sweep/fs-errors';
import type {Command} from '../commands';
import {BACKEND_KNOB, checkModelFolder, MODEL_FOLDER_FILES, CSV_KNOBS, csvFlags, readDataFile, toFlagError} from './own-data';

/** The zoo decoders `--decoder` names, as model specs for a latent dimension. */
const DECODERS: Readonly<Record<string, (dim: number, o: {hidden?: readonly number[]; activation?: string}) => DecoderOption>> = {
  mlp: (_, o) => ({kind: 'mlp', ...(o.hidden ? {hidden: o.hidden} : {}), ...(o.activation ? {activation: o.activation as 'relu'} : {})}),
  mnist: (dim) => ({kind: 'mnist-decoder', options: {latentDim: dim}}),
  'cifar-1x1': () => ({kind: 'cifar-decoder', options: {variant: '1x1'}}),
  'cifar-4x4': () => ({kind: 'cifar-decoder', options: {variant: '4x4'}}),
};

const FIT_KNOBS = {
  dim: {kind: 'integer', min: 1, help: 'the latent dimension m: numbers per representation (required)'},
  out: {kind: 'text', help: 'the model folder to write (required): model.json, weights.bin, representations.csv, map.svg/png, loss.svg, report.md'},
  decoder: {kind: 'choice', choices: Object.keys(DECODERS), help: 'mlp for tables (default); mnist ([N,28,28,1] .npy); cifar-1x1 (--dim 256) or cifar-4x4 (--dim 1024) ([N,32,32,3] .npy)'},
  hidden: {kind: 'integer-list', min: 1, help: 'mlp: hidden widths (default two of max(64, 2·dim))'},
  activation: {kind: 'choice', choices: ['relu', 'tanh', 'elu', 'softplus'], help: 'mlp: hidden activation (default relu)'},
  loss: {kind: 'choice', choices: ['mse', 'bce', 'poisson', 'negative-binomial'], help: 'reconstruction loss (default mse; poisson / negative-binomial for counts, bce for values in [0, 1])'},
  normalize: {kind: 'choice', choices: ['none', 'min-max', 'standardize', 'log1p'], help: 'how the data is scaled before fitting (default standardize for mse, none otherwise); decode returns data units'},
  epochs: {kind: 'integer', min: 1, max: 1_000_000, help: 'passes over the training samples (default 100)'},
  batchSize: {kind: 'integer', min: 1, help: 'samples per step (default 32)'},
  learningRate: {kind: 'number', above: 0, help: 'Adam learning rate of the decoder weights (default 1e-3)'},
  weightDecay: {kind: 'number', min: 0, help: 'Adam (L2) weight decay (default 0)'},
  rowLearningRate: {kind: 'number', above: 0, help: 'SGD learning rate of the representations (default 0.01, the paper\'s)'},
  rowMomentum: {kind: 'number', min: 0, below: 1, help: 'SGD momentum of the representations (default 0.9)'},
  validation: {kind: 'number', above: 0, below: 1, help: 'hold out this fraction: fitted against the frozen decoder every few epochs, early stopping, best state kept'},
  validateEvery: {kind: 'integer', min: 1, help: 'with --validation: epochs between checks (default 5)'},
  patience: {kind: 'integer', min: 1, help: 'with --validation: checks without improvement before stopping (default 3)'},
  ...CSV_KNOBS,
  seed: {kind: 'integer', min: 0, max: 2_147_483_647, help: 'seed of the split, the initial weights and rows, and the batches (default 0)'},
  threads: {kind: 'integer', min: 1, help: 'threads that share each training batch: one fit on several cores (data parallel; not with --loss negative-binomial); at most the cores (default 1)'},
  backend: BACKEND_KNOB,
  overwrite: {kind: 'boolean', help: 'replace a model this command wrote in --out (other files there are never touched)'},
  help: {kind: 'boolean', help: 'print this help'},
} as const satisfies Knobs;

/** Decoders whose architecture fixes the latent dimension. */
const FIXED_DIM: Readonly<Record<string, number>> = {'cifar-1x1': 256, 'cifar-4x4': 1024};

/** Library options named in errors → the flags that set them. */
const FLAG_OF = {
  latentDim: '--dim', decoder: '--decoder', loss: '--loss', normalize: '--normalize', epochs: '--epochs', batchSize: '--batch-size',
  learningRate: '--learning-rate', weightDecay: '--weight-decay', rowOptimizer: '--row-learning-rate', validation: '--validation', seed: '--seed',
  threads: '--threads',
};

/**
 * `encoderless fit DATA --dim M --out MODEL`: the method on your own data. Prints the decoder's
 * load before training (a warning below 1), shows progress, and writes the model with the
 * training samples' representations, a 2-D map of them, the loss curve and a short report.
 * Ctrl-C stops after the current batch and still writes the model reached (a second Ctrl-C quits).
 */
export const fitCommand: Command = {
  name: 'fit',
  kind: 'tool',
  summary: 'fit a decoder and one representation per sample to your data (CSV, TSV or .npy); writes the model and the representations',
  help: () => ['usage: encoderless fit DATA --dim M --out MODEL [flags]', '',
    'DATA: a .csv/.tsv table (one sample per row; label/id columns via --label-columns) or a .npy array [samples, …].', '',
    formatFlagHelp(FIT_KNOBS)].join('\n'),
  async run(argv, log) {
    const flags = parseCommandLine('fit', argv, FIT_KNOBS, ['DATA']);
    if (flags.get('help')) {
      log(fitCommand.help());
      return;
    }
    const dim = flags.get('dim') as number | undefined, out = flags.get('out') as string | undefined;
    if (dim === undefined) throw new BadConfigError('encoderless fit: --dim M is required: the numbers per representation', {option: '--dim'});
    if (out === undefined) throw new BadConfigError('encoderless fit: --out MODEL is required: the folder to write the model into', {option: '--out'});
    const name = (flags.get('decoder') as string | undefined) ?? 'mlp';
    if (FIXED_DIM[name] !== undefined && FIXED_DIM[name] !== dim) {
      throw new BadConfigError(`encoderless fit: --decoder ${name} takes representations of ${FIXED_DIM[name]} numbers; give --dim ${FIXED_DIM[name]}, got ${dim}`,
        {option: '--dim'});
    }
    const mlpOnly = ['hidden', 'activation'].filter((k) => flags.has(k));
    if (name !== 'mlp' && mlpOnly.length) {
      throw new BadConfigError(`encoderless fit: --${mlpOnly[0]} is for --decoder mlp, not ${name}`, {option: `--${mlpOnly[0]}`});
    }
    if (!flags.has('validation')) {
      const orphan = ['validate-every', 'patience'].find((k) => flags.has(k));
      if (orphan) throw new BadConfigError(`encoderless fit: --${orphan} needs --validation FRACTION`, {option: `--${orphan}`});
    }
    // Everything is checked before the long part: the folder, the backend, the data.
    const dir = await checkModelFolder(out, flags.get('overwrite') === true);
    const backend = await useBackend((flags.get('backend') as string | undefined) ?? undefined);
    const data = await readDataFile(flags.get('DATA') as string, 'DATA', csvFlags(flags));
    const get = <T>(flag: string) => flags.get(flag) as T | undefined;
    const epochs = get<number>('epochs') ?? 100;
    const options: FitAutoDecoderOptions = {
      latentDim: dim,
      decoder: DECODERS[name](dim, {...(flags.has('hidden') ? {hidden: get<number[]>('hidden')} : {}), activation: get<string>('activation')}),
      epochs,
      ...(flags.has('loss') ? {loss: get<FitAutoDecoderOptions['loss']>('loss')} : {}),
      ...(flags.has('normalize') ? {normalize: get<FitAutoDecoderOptions['normalize']>('normalize')} : {}),
      ...(flags.has('batch-size') ? {batchSize: get<number>('batch-size')} : {}),
      ...(flags.has('learning-rate') ? {learningRate: get<number>('learning-rate')} : {}),
      ...(flags.has('weight-decay') ? {weightDecay: get<number>('weight-decay')} : {}),
      ...(flags.has('row-learning-rate') || flags.has('row-momentum')
        ? {rowOptimizer: {kind: 'sgd' as const, learningRate: get<number>('row-learning-rate') ?? 0.01, momentum: get<number>('row-momentum') ?? 0.9}}
        : {}),
      ...(flags.has('validation')
        ? {validation: {fraction: get<number>('validation')!, ...(flags.has('validate-every') ? {every: get<number>('validate-every')} : {}),
          ...(flags.has('patience') ? {patience: get<number>('patience')} : {})}}
        : {}),
      seed: get<number>('seed') ?? 0,
      ...(flags.has('threads') ? {threads: get<number>('threads')} : {}),
    };
    const source = flags.get('DATA') as string;
    const samples = 'rows' in data ? data.rows : data.shape[0];
    const threads = options.threads ?? 1;
    log(`encoderless fit: ${source}, ${samples} samples; backend ${describeBackend(backend)}${threads > 1 ? `, ${threads} threads` : ''}; output ${out}`);
    const progress = createProgress({total: epochs, label: 'fit'});
    const controller = new AbortController();
    const onInterrupt = () => {
      process.stderr.write('\nencoderless fit: stopping after this batch and writing the model reached (Ctrl-C again to quit now)\n');
      controller.abort();
      process.off('SIGINT', onInterrupt);
    };
    process.on('SIGINT', onInterrupt);
    let model;
    try {
      model = await fitAutoDecoder(data, {
        ...options,
        signal: controller.signal,
        onStart: (plan) => {
          log(`  decoder ${plan.decoder}, ${plan.parameters.toLocaleString('en-US')} parameters; ${plan.trainingSamples} training` +
            `${plan.validationSamples ? ` + ${plan.validationSamples} validation` : ''} samples of [${plan.featureShape.join(', ')}]; ` +
            `decoder load ${plan.decoderLoad.toFixed(2)} (eq. 3)`);
          if (plan.loadWarning) log(`  warning: ${plan.loadWarning}`);
        },
        onEpoch: (r) => progress.tick(1, `loss ${r.loss.toPrecision(4)}${r.validationLoss === undefined ? '' : `, validation ${r.validationLoss.toPrecision(4)}`}`),
      });
    } catch (err) {
      throw toFlagError(err, FLAG_OF);
    } finally {
      process.off('SIGINT', onInterrupt);
    }
    progress.done(model.stopReason === 'epochs' ? undefined : model.stopReason);
    try {
      const summary = summarizeFit(model);
      const labels = model.labels;
      const firstLabel = labels ? Object.values(labels)[0] : null;
      const map = representationMap(model.representations, {labels: firstLabel});
      await onPath(dir, '--out', async () => {
        await model.save(fileHandler(dir));
        await writeCsv(join(dir, 'representations.csv'), toTable(model.representations, {labels}));
        await writeFileAtomic(join(dir, 'map.svg'), renderScatterChart(map));
        await writeFileAtomic(join(dir, 'map.png'), renderScatterPng(map));
        await writeFileAtomic(join(dir, 'loss.svg'), renderLineChart(lossCurve(model)));
        await writeFileAtomic(join(dir, 'report.md'), `${formatFitReport(summary, `Auto-decoder fit of ${source}`)}\n` +
          '![representations, first two principal components](map.svg)\n\n![loss per epoch](loss.svg)\n');
        await writeJsonAtomic(join(dir, 'fit.json'), {data: source, backend: backend.name,
          ...(backend.adapter ? {adapter: describeAdapter(backend.adapter)} : {}), threads, summary, settings: model.settings});
      });
      log(`done: ${summary.stopReason === 'aborted' ? 'stopped early (Ctrl-C); ' : ''}${out}: ${MODEL_FOLDER_FILES.join(', ')}`);
    } finally {
      model.dispose();
    }
  },
};
