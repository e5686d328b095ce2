import {BadReportArgumentError, checkFinite, checkInteger, describe} from './bad-report-argument-error';
import {formatDuration} from './format-duration';

/** Where progress goes: `process.stderr`, or anything with `write` (a fake in tests). */
export interface ProgressStream {
  write(text: string): unknown;
  /** True for a terminal: the bar redraws in place. False or absent: plain log lines. */
  isTTY?: boolean;
  /** Terminal width; lines are cut to fit, since a wrapped line breaks the in-place redraw. */
  columns?: number;
}

export interface ProgressOptions {
  /** Number of steps to 100%. 0 is allowed (an empty loop) and shows 100%. */
  total: number;
  /** Text before the bar, e.g. the experiment name. */
  label?: string;
  /**
   * Default `process.stderr` in Node, so stdout stays free for results piped elsewhere. Required
   * where there is no `process` (a browser): e.g. `{write: (text) => console.log(text)}`.
   */
  stream?: ProgressStream;
  /** Milliseconds on a monotonic clock. Default `performance.now`; tests pass a fake. */
  now?: () => number;
  /** Characters in the bar. Default 20. */
  barWidth?: number;
  /** Without a TTY, the longest wait between log lines while work goes on. Default 10. */
  logEverySeconds?: number;
}

export interface Progress {
  /** `n` more steps done (default 1); `info` replaces the text after the ETA (e.g. the current loss). */
  tick(n?: number, info?: string): void;
  /** Final line (with a newline on a TTY). Ticks after `done` are ignored. */
  done(info?: string): void;
}

/** Redraws faster than this are invisible and, at thousands of ticks a second, slow the run. */
const TTY_REDRAW_MS = 100;

/**
 * A progress bar for a loop of known length:
 *
 *     simulated  [##########----------]  52%  13/25  0:41 elapsed  ETA 0:38  decoder N=400
 *
 * On a terminal it redraws in place with `\r`. Without one (CI logs, `| tee`), carriage
 * returns would pile up into one huge line, so it prints plain lines instead: one each time
 * another 10% is done, and at least every `logEverySeconds` while work goes on; a log of a
 * long run stays a few dozen lines, not thousands. ETA assumes the remaining steps take as
 * long as the ones so far.
 *
 * ```ts
 * const progress = createProgress({total: steps, label: 'mnist'});
 * for (let step = 0; step < steps; step++) { train(); progress.tick(1, `loss ${loss.toFixed(4)}`); }
 * progress.done();
 * ```
 */
export function createProgress(options: ProgressOptions): Progress {
  const fn = 'createProgress';
  if (typeof options !== 'object' || options === null) {
    throw new BadReportArgumentError(`${fn}: options must be an object, got ${describe(options)}`);
  }
  const total = checkInteger(fn, 'total', options.total, 0);
  const label = options.label ?? '';
  const barWidth = checkInteger(fn, 'barWidth', options.barWidth ?? 20);
  const logEveryMs = 1000 * checkFinite(fn, 'logEverySeconds', options.logEverySeconds ?? 10, true);
  const stream = options.stream ?? defaultStream(fn);
  const now = options.now ?? (() => performance.now());
  const tty = stream.isTTY === true;
  const start = now();

  let count = 0;
  let info = '';
  let finished = false;
  let lastDraw = -Infinity;
  let lastLogCount = -1;
  let lastLogDecile = 0;

  const fraction = () => total === 0 ? 1 : Math.min(1, count / total);
  const line = (t: number): string => {
    const elapsed = (t - start) / 1000;
    const f = fraction();
    const filled = Math.floor(f * barWidth);
    const parts = [
      `[${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}]`,
      `${Math.floor(f * 100)}%`,
      `${count}/${total}`,
      `${formatDuration(elapsed)} elapsed`,
    ];
    if (count < total) {
      parts.push(`ETA ${count === 0 ? '--:--' : formatDuration(elapsed / count * (total - count))}`);
    }
    if (label) parts.unshift(label);
    if (info) parts.push(info);
    return parts.join('  ');
  };
  const fit = (text: string) =>
    stream.columns && stream.columns > 1 && text.length >= stream.columns ? text.slice(0, stream.columns - 1) : text;

  function show(final: boolean): void {
    const t = now();
    if (tty) {
      if (!final && count < total && t - lastDraw < TTY_REDRAW_MS) return;
      lastDraw = t;
      // \x1b[K clears the rest of the line, in case this one is shorter than the last.
      stream.write(`\r${fit(line(t))}\x1b[K${final ? '\n' : ''}`);
      return;
    }
    const decile = Math.floor(fraction() * 10);
    const due = decile > lastLogDecile || t - lastDraw >= logEveryMs || (final && count !== lastLogCount);
    if (!due) return;
    lastDraw = t;
    lastLogDecile = decile;
    lastLogCount = count;
    stream.write(`${line(t)}\n`);
  }

  // The log-line clock starts now, so the first plain line comes after logEverySeconds or 10%.
  lastDraw = tty ? -Infinity : start;

  return {
    tick(n = 1, text?: string) {
      if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) {
        throw new BadReportArgumentError(`Progress.tick: n must be a finite number ≥ 0, got ${describe(n)}`);
      }
      // A bar that throws after done() would crash a run over a cosmetic slip; ignore instead.
      if (finished) return;
      count += n;
      if (text !== undefined) info = text;
      show(false);
    },
    done(text?: string) {
      if (finished) return;
      finished = true;
      if (text !== undefined) info = text;
      show(true);
    },
  };
}

/** `process.stderr` where there is one; elsewhere (a browser) the caller must choose. */
function defaultStream(fn: string): ProgressStream {
  // eslint-disable-next-line no-restricted-globals -- guarded: the main entry must load where there is no process
  if (typeof process !== 'undefined' && process.stderr) return process.stderr;
  throw new BadReportArgumentError(
    `${fn}: there is no process.stderr here (not Node), so options.stream is required, ` +
    'e.g. {write: (text) => console.log(text)}');
}
