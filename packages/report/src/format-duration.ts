import {BadReportArgumentError, describe} from './bad-report-argument-error';

/**
 * Seconds as a clock reading, rounded to the second: `m:ss` under an hour, `h:mm:ss` above,
 * the form people read at a glance in a progress line or a results table.
 *
 * ```ts
 * formatDuration(41.4); // '0:41'
 * formatDuration(3725); // '1:02:05'
 * ```
 */
export function formatDuration(seconds: number): string {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) {
    throw new BadReportArgumentError(`formatDuration: seconds must be a finite number ≥ 0, got ${describe(seconds)}`);
  }
  const total = Math.round(seconds);
  const s = total % 60, m = Math.floor(total / 60) % 60, h = Math.floor(total / 3600);
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}
