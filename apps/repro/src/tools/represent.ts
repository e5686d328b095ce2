import {toTable} from '@encoderless/autodecoder';
import {describeBackend, useBackend} from '@encoderless/backends';
import {BadConfigError} from '@encoderless/errors';
import {createProgress} from '@encoderless/report';
import {formatFlagHelp, parseCommandLine} from '../flags/command-line';
import type {Knobs} from '../flags/knobs';
import type {Command} from '../commands';
import {BACKEND_KNOB, checkResultFile, CSV_KNOBS, csvFlags, loadModelFolder, readDataFile, toFlagError, writeRows} from './own-data';

const REPRESENT_KNOBS = {
  out: {kind: 'text', help: 'the file to write (required): .csv, .tsv or .npy; one row of m numbers per sample, label columns kept'},
  maxSteps: {kind: 'integer', min: 1, max: 1_000_000, help: 'most descent steps per sample (default: the model\'s, saved with it)'},
  restarts: {kind: 'integer', min: 1, max: 100, help: 'random starts per sample; each keeps its best (default: the model\'s)'},
  ...CSV_KNOBS,
  seed: {kind: 'integer', min: 0, max: 2_147_483_647, help: 'seed of the starting rows (default: the model\'s)'},
  backend: BACKEND_KNOB,
  overwrite: {kind: 'boolean', help: 'replace --out if it exists'},
  help: {kind: 'boolean', help: 'print this help'},
} as const satisfies Knobs;

/**
 * `encoderless represent MODEL DATA --out reps.csv`: representations of new samples, found by
 * gradient descent against the model's frozen decoder (the method's inference), with each
 * sample's reconstruction loss in a `loss` column.
 */
export const representCommand: Command = {
  name: 'represent',
  kind: 'tool',
  summary: 'representations of new samples by descent against a fitted model\'s frozen decoder',
  help: () => ['usage: encoderless represent MODEL DATA --out FILE [flags]', '',
    'MODEL: a folder written by encoderless fit. DATA: samples of the same features (.csv/.tsv/.npy).', '',
    formatFlagHelp(REPRESENT_KNOBS)].join('\n'),
  async run(argv, log) {
    const flags = parseCommandLine('represent', argv, REPRESENT_KNOBS, ['MODEL', 'DATA']);
    if (flags.get('help')) {
      log(representCommand.help());
      return;
    }
    const out = flags.get('out') as string | undefined;
    if (out === undefined) throw new BadConfigError('encoderless represent: --out FILE is required: where to write the representations', {option: '--out'});
    const path = await checkResultFile(out, flags.get('overwrite') === true);
    const backend = await useBackend((flags.get('backend') as string | undefined) ?? undefined);
    const model = await loadModelFolder(flags.get('MODEL') as string);
    try {
      const csv = csvFlags(flags);
      // The model's own label columns (ids, classes) are labels in new data too, unless told otherwise.
      const labelColumns = csv.labelColumns ?? (model.labels ? Object.keys(model.labels) : undefined);
      const data = await readDataFile(flags.get('DATA') as string, 'DATA', {...csv, ...(labelColumns ? {labelColumns} : {})});
      const given = (flag: string, key: string) => (flags.has(flag) ? {[key]: flags.get(flag)} : {});
      const steps = (flags.get('max-steps') as number | undefined) ?? model.settings.transform.maxSteps;
      log(`encoderless represent: ${flags.get('DATA')} against ${flags.get('MODEL')} (m = ${model.latentDim}); backend ${describeBackend(backend)}`);
      const progress = createProgress({total: steps, label: 'represent'});
      let done = 0;
      const result = await model.transform(data, {
        ...given('max-steps', 'maxSteps'), ...given('restarts', 'restarts'), ...given('seed', 'seed'),
        onProgress: (r) => {
          const now = Math.min(r.step + 1, steps);
          progress.tick(now - done, `loss ${r.loss.toPrecision(4)}`);
          done = now;
        },
      }).catch((err: unknown) => { throw toFlagError(err, {maxSteps: '--max-steps', restarts: '--restarts', seed: '--seed'}); });
      progress.done();
      const table = toTable(result.representations.map((row, i) => [...row, result.losses[i]]), {
        columns: [...Array.from({length: model.latentDim}, (_, j) => `z${j + 1}`), 'loss'], labels: result.labels ?? null,
      });
      await writeRows(path, table, [model.latentDim + 1]);
      log(`done: ${out}: ${result.representations.length} representations; mean loss per entry ${result.loss.toPrecision(4)}`);
    } finally {
      model.dispose();
    }
  },
};
