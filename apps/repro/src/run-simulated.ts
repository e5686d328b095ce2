import {useBackend} from '@encoderless/backends';
import {writeFileAtomic, writeJsonAtomic} from '@encoderless/report/node';
import {COMMON_FLAGS, type ParsedFlags} from './flags';
import type {JobSpec} from './job-registry';
import {workerCount} from './job-pool';
import {openRunFolder} from './run-folder';
import {runPoints} from './run-points';
import type {SimulatedRecord} from './simulated';
import {resolveSimulatedConfig} from './simulated-config';
import {renderSimulatedFigure, simulatedCsv, simulatedReport, sortRecords} from './simulated-output';

export const SIMULATED_FLAGS = COMMON_FLAGS;

/**
 * `encoderless simulated`: the sweep over N for the decoder alone, the encoder on the frozen
 * decoder and the autoencoder. Each (N, job) is a point written as soon as it is done.
 */
export async function runSimulatedCommand(flags: ParsedFlags, log: (line: string) => void): Promise<void> {
  const config = resolveSimulatedConfig(flags);
  const out = (flags.out as string | undefined) ?? 'runs/simulated';
  const backend = await useBackend(flags.backend as string | undefined);
  log(`encoderless simulated: backend ${backend.name}${backend.simd === undefined ? '' : backend.simd ? ' (SIMD)' : ' (no SIMD)'}, ` +
    `sizes N = ${config.sizes.join(', ')}, ${config.preset} preset, output ${out}`);
  const folder = await openRunFolder(out, 'simulated', config, {resume: Boolean(flags.resume), extra: {backend: backend.name}});

  const jobs: JobSpec[] = config.sizes.flatMap((n) => [
    {key: `N${n}-decoder-encoder`, kind: 'simulated-decoder' as const, args: {config, samples: n}, work: 2 * n * config.epochs},
    {key: `N${n}-autoencoder`, kind: 'simulated-autoencoder' as const, args: {config, samples: n}, work: n * config.autoencoderEpochs},
  ]);
  const started = performance.now();
  const records = await runPoints<SimulatedRecord>(folder, jobs,
    {jobs: workerCount(flags), backend: backend.name, label: 'simulated', log});
  const seconds = records.reduce((s, r) => s + r.seconds, 0);
  const sorted = sortRecords(records);
  await writeJsonAtomic(folder.file('results.json'), {config, backend: backend.name, records: sorted});
  await writeFileAtomic(folder.file('results.csv'), simulatedCsv(sorted));
  await writeFileAtomic(folder.file('figure.svg'), renderSimulatedFigure(sorted));
  await writeFileAtomic(folder.file('report.md'), simulatedReport(config, sorted,
    {backend: backend.name, seconds}));
  log(`done in ${((performance.now() - started) / 1000).toFixed(0)} s: ${folder.file('report.md')}, results.csv, results.json, figure.svg`);
}
