import {useBackend} from '@encoderless/backends';
import {takeImages} from '@encoderless/datasets';
import {writeFileAtomic, writeJsonAtomic} from '@encoderless/report/node';
import {CIFAR_MODELS, resolveCifarConfig} from './cifar-config';
import type {CifarRecord} from './cifar';
import {cifarJobs, loadCifarInputs} from './cifar-data';
import {
  cifarCsv, cifarReport, renderCifarCurveFigure, renderCifarGrid, renderCifarSubsetFigure, sortCifarRecords, summariseCifarSubsets,
} from './cifar-output';
import {COMMON_FLAGS, type FlagSchema, type ParsedFlags} from './flags';
import {listPoints, openRunFolder} from './run-folder';
import {runPoints} from './run-points';
import {workerCount} from './job-pool';

export const CIFAR_FLAGS: FlagSchema = {
  ...COMMON_FLAGS,
  sizes: {type: 'integer-list', help: 'training images PER CLASS of the subset experiment, comma-separated (default 50,100,500,5000)'},
  'data-dir': {type: 'string', help: 'the binary release (folder of .bin files), an image folder with train/<class>/ and test/<class>/, ' +
    'or a .tar.gz of either; default: the binary release, downloaded once and cached'},
  scenario: {type: 'string', help: "'subsets' (Figure 3a/c), 'curves' (3b, d–f) or 'subsets,curves' (default)"},
  models: {type: 'string', help: `comma-separated, default all: ${CIFAR_MODELS.join(', ')}`},
  seeds: {type: 'integer', help: 'repeats of the subset experiment, seeds --seed, --seed+1, … (default 5)'},
  'test-fraction': {type: 'number', help: 'class-balanced fraction of the test split to test on (default 0.1, the paper\'s tenth)'},
  'test-epochs': {type: 'integer', help: 'most epochs of fitting a decoder\'s test rows (default 100; stops earlier on a plateau)'},
  'curve-size': {type: 'integer', help: 'training images per class for the learning curves (default 5000, the whole set)'},
  resize: {type: 'boolean', help: 'image folders: resize images that are not 32×32 instead of stopping with an error'},
  'skip-corrupt': {type: 'boolean', help: 'image folders: skip (and count) files that do not decode instead of stopping'},
};

/**
 * `encoderless cifar`: the subset experiment (each model per images-per-class and seed) and
 * the learning curves; one point file per trained model, so `--resume` continues a sweep.
 */
export async function runCifarCommand(flags: ParsedFlags, log: (line: string) => void): Promise<void> {
  const started = performance.now();
  const config = resolveCifarConfig(flags);
  const out = (flags.out as string | undefined) ?? 'runs/cifar';
  const dataDir = flags['data-dir'] as string | undefined;
  const backend = await useBackend(flags.backend as string | undefined);
  log(`encoderless cifar: backend ${backend.name}${backend.simd ? ' (SIMD)' : ''}, ${config.preset} preset, ` +
    `scenarios ${config.scenarios.join(', ')}, models ${config.models.join(', ')}, output ${out}`);
  if (config.scenarios.includes('subsets')) {
    log(`  subsets: ${config.sizes.join(', ')} images per class × ${config.seeds} seed(s), ${config.epochs} epochs`);
  }
  if (config.scenarios.includes('curves')) {
    log(`  curves: ${config.curvePerClass} images per class, ${config.curveEpochs} epochs, test loss after epochs ${config.curveEvalEpochs.join(', ')}`);
  }
  const data = {dataDir, onWrongSize: flags.resize ? 'resize' : 'reject', onCorrupt: flags['skip-corrupt'] ? 'skip' : 'throw'} as const;
  // The data options are settings too: --resume must not average points made from other images.
  const folder = await openRunFolder(out, 'cifar', {...config, data}, {resume: Boolean(flags.resume), extra: {backend: backend.name}});
  const inputs = await loadCifarInputs(config, {...data, log});
  log(`  data: ${inputs.train.count} training and ${inputs.test.count} test images in ${inputs.classes.length} classes; ` +
    `testing on ${inputs.testRows.length}`);
  for (const s of inputs.skipped.slice(0, 10)) log(`  skipped ${s.file}: ${s.reason}`);

  const jobs = cifarJobs(config, inputs);
  const finished = new Set(listPoints(folder.dir)); // names only: runPoints reads the points themselves
  const doneBefore = jobs.filter((job) => finished.has(job.key)).length;
  const records = sortCifarRecords(await runPoints<CifarRecord>(folder, jobs,
    {jobs: workerCount(flags), backend: backend.name, label: 'cifar', log}));

  // The numbers first: a figure that fails to draw must not cost the results.
  await writeJsonAtomic(folder.file('results.json'), {
    config, backend: backend.name, source: inputs.source, summary: summariseCifarSubsets(records),
    records: records.map(({grids: _g, ...rest}) => rest),
  });
  await writeFileAtomic(folder.file('results.csv'), cifarCsv(records));
  const originals = takeImages(inputs.test, inputs.gridRows).images;
  const grids: string[] = [];
  const writeGrid = async (name: string, png: Uint8Array | null) => {
    if (!png) return;
    grids.push(name);
    await writeFileAtomic(folder.file(name), png);
  };
  const subsets = records.filter((r) => r.scenario === 'subsets' && r.seedIndex === 0);
  for (const perClass of config.scenarios.includes('subsets') ? config.sizes : []) {
    await writeGrid(`reconstructions-${perClass}-per-class.png`,
      renderCifarGrid(originals, subsets.filter((r) => r.perClass === perClass), config.epochs));
  }
  const curves = records.filter((r) => r.scenario === 'curves');
  for (const epoch of config.scenarios.includes('curves') ? config.gridEpochs : []) {
    await writeGrid(`reconstructions-curves-epoch${epoch}.png`, renderCifarGrid(originals, curves, epoch));
  }
  const figures: string[] = [];
  if (subsets.length) {
    figures.push('subsets.svg');
    await writeFileAtomic(folder.file('subsets.svg'), renderCifarSubsetFigure(summariseCifarSubsets(records)));
  }
  if (curves.length) {
    figures.push('curves.svg');
    await writeFileAtomic(folder.file('curves.svg'), renderCifarCurveFigure(records));
  }
  const seconds = records.reduce((s, r) => s + r.seconds, 0);
  const wallSeconds = (performance.now() - started) / 1000;
  await writeFileAtomic(folder.file('report.md'),
    cifarReport(config, records, {
      backend: backend.name, seconds, wallSeconds, source: inputs.source, grids, figures,
      resumed: doneBefore > 0 ? {done: doneBefore, of: jobs.length} : undefined,
    }));
  log(`done in ${wallSeconds.toFixed(0)} s: ${folder.file('report.md')}, results.csv, results.json, ${[...figures, ...grids].join(', ')}`);
}
