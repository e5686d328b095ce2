import type {OutputInput} from './experiment';

/**
 * The first paragraph of every report: backend, preset (and what `quick` changes), the flags
 * that differ from it, seed, data, times; and, for a partial report, which points are missing.
 */
export function runHeader(input: OutputInput<{seed: number}, unknown>, quickNote: string): string {
  const {preset, overrides, config, data, missing} = input;
  const presetText = preset === 'quick' ? `\`quick\` preset (${quickNote})` : preset === 'full' ? '`full` preset (the paper\'s settings)' : `\`${preset}\` preset`;
  const wall = input.wallSeconds === undefined ? '' : `; wall time ${(input.wallSeconds / 60).toFixed(1)} min` +
    (input.resumed ? ` (this invocation only: ${input.resumed.done} of ${input.resumed.of} jobs were done before it)` : '');
  const lines = [
    `Backend ${input.backend}${input.adapter ? ` on ${input.adapter}` : ''}; ${presetText}${overrides.length ? `, overridden by flags: ${overrides.join(' ')}` : ''}; ` +
    `seed ${config.seed}; data: ${data.source}${(data.notes ?? []).map((n) => `, ${n}`).join('')}; ` +
    `compute time (summed over jobs) ${(input.computeSeconds / 60).toFixed(1)} min${wall}. Settings: \`config.json\`; ` +
    'wall times of each point: `timings.json`.',
  ];
  if (missing.length > 0) {
    lines.push('', `**Partial:** ${missing.length} point(s) of the sweep are missing (${missing.slice(0, 8).join(', ')}` +
      `${missing.length > 8 ? ', …' : ''}); the tables and checks below use the points there are.`);
  }
  return lines.join('\n');
}
