import {extname} from 'node:path';
import {toTable} from '@encoderless/autodecoder';
import {useBackend} from '@encoderless/backends';
import {BadDataFileError, BadConfigError} from '@encoderless/errors';
import {formatFlagHelp, parseCommandLine} from '../flags/command-line';
import type {Knobs} from '../flags/knobs';
import type {Command} from '../commands';
import {BACKEND_KNOB, checkResultFile, csvFlags, CSV_KNOBS, loadModelFolder, readDataFile, readHeader, writeRows} from './own-data';

const DECODE_KNOBS = {
  out: {kind: 'text', help: 'the file to write (required): .csv, .tsv or .npy; one reconstructed sample per row, in data units, label columns kept'},
  ...CSV_KNOBS,
  backend: BACKEND_KNOB,
  overwrite: {kind: 'boolean', help: 'replace --out if it exists'},
  help: {kind: 'boolean', help: 'print this help'},
} as const satisfies Knobs;

/** A representations file's numbers: z1 … zm (anything else, such as ids or represent's `loss`, is a label). */
const UNIT = /^z\d+$/;

/**
 * `encoderless decode MODEL reps.csv --out recon.csv`: the samples the model's decoder makes
 * of representations (from `fit`, `represent` or your own), in the data's units and columns.
 */
export const decodeCommand: Command = {
  name: 'decode',
  kind: 'tool',
  summary: 'reconstructions from representations through a fitted model\'s decoder, in the data\'s units',
  help: () => ['usage: encoderless decode MODEL REPRESENTATIONS --out FILE [flags]', '',
    'REPRESENTATIONS: a .csv/.tsv with columns z1 … zm (other columns, such as ids, are kept as labels; a `loss` column is ignored), or a .npy [samples, m].', '',
    formatFlagHelp(DECODE_KNOBS)].join('\n'),
  async run(argv, log) {
    const flags = parseCommandLine('decode', argv, DECODE_KNOBS, ['MODEL', 'REPRESENTATIONS']);
    if (flags.get('help')) {
      log(decodeCommand.help());
      return;
    }
    const out = flags.get('out') as string | undefined;
    if (out === undefined) throw new BadConfigError('encoderless decode: --out FILE is required: where to write the reconstructions', {option: '--out'});
    const path = await checkResultFile(out, flags.get('overwrite') === true);
    await useBackend((flags.get('backend') as string | undefined) ?? undefined);
    const model = await loadModelFolder(flags.get('MODEL') as string);
    try {
      const source = flags.get('REPRESENTATIONS') as string;
      const csv = csvFlags(flags);
      const isNpy = extname(source).toLowerCase() === '.npy';
      // Without --label-columns, every column that is not z<k> (or represent's loss) is a label.
      const header = isNpy || csv.labelColumns ? [] : await readHeader(source, csv.delimiter).catch(() => []);
      if (!isNpy && !csv.labelColumns && !header.some((c) => UNIT.test(c))) {
        throw new BadDataFileError(`REPRESENTATIONS ${source}: no columns z1 … z${model.latentDim} on its first line ` +
          `(${header.slice(0, 6).join(', ')}${header.length > 6 ? ', …' : ''}); give a file written by encoderless fit or represent, ` +
          'or name its label columns with --label-columns', source, {option: 'REPRESENTATIONS'});
      }
      const labelColumns = csv.labelColumns ?? header.filter((c) => !UNIT.test(c));
      const table = await readDataFile(source, 'REPRESENTATIONS', {...csv, ...(labelColumns.length ? {labelColumns} : {})});
      const cols = 'cols' in table ? table.cols : table.shape.slice(1).reduce((a, b) => a * b, 1);
      if (cols !== model.latentDim) {
        throw new BadDataFileError(`REPRESENTATIONS ${source}: has ${cols} numbers per row, the model's representations have ` +
          `${model.latentDim} (z1 … z${model.latentDim})`, source, {option: 'REPRESENTATIONS'});
      }
      const rows = Array.from({length: 'rows' in table ? table.rows : table.shape[0]}, (_, i) =>
        Array.from(table.data.subarray(i * cols, (i + 1) * cols) as ArrayLike<number>));
      const labels = 'labels' in table && table.labels && Object.keys(table.labels).length
        ? Object.fromEntries(Object.entries(table.labels).filter(([k]) => k !== 'loss')) : null;
      const recon = await model.decode(rows);
      await writeRows(path, toTable(recon, {columns: model.featureNames, labels}), model.featureShape);
      log(`done: ${out}: ${recon.length} reconstructions of [${model.featureShape.join(', ')}]`);
    } finally {
      model.dispose();
    }
  },
};
