import {createProgress} from './create-progress';

/** A stream that records writes, and a clock the test moves by hand (milliseconds). */
function fakes(isTTY: boolean, columns?: number) {
  const writes: string[] = [];
  let t = 1_000_000;
  return {
    writes,
    stream: {isTTY, columns, write: (text: string) => { writes.push(text); return true; }},
    now: () => t,
    advance: (seconds: number) => { t += seconds * 1000; },
  };
}

describe('createProgress on a TTY', () => {
  it('renders bar, percentage, count, elapsed, ETA and info, redrawn with \\r', () => {
    const f = fakes(true);
    const progress = createProgress({total: 25, label: 'simulated', barWidth: 10, stream: f.stream, now: f.now});
    f.advance(41);
    progress.tick(13, 'decoder N=400');
    // ETA = 41 s / 13 steps · 12 steps left = 37.8 s → 0:38.
    expect(f.writes).toEqual(['\rsimulated  [#####-----]  52%  13/25  0:41 elapsed  ETA 0:38  decoder N=400\x1b[K']);
  });

  it('done() draws 100% without an ETA and ends the line', () => {
    const f = fakes(true);
    const progress = createProgress({total: 4, barWidth: 4, stream: f.stream, now: f.now});
    f.advance(1); progress.tick(4);
    f.advance(1); progress.done('loss 0.01');
    expect(f.writes.at(-1)).toBe('\r[####]  100%  4/4  0:02 elapsed  loss 0.01\x1b[K\n');
  });

  it('redraws at most every 100 ms, except on reaching the total', () => {
    const f = fakes(true);
    const progress = createProgress({total: 1000, stream: f.stream, now: f.now});
    for (let i = 0; i < 999; i++) { f.advance(0.001); progress.tick(); }
    // 999 ticks over 0.999 s: a draw at the first tick, then one per 100 ms → 10 draws.
    expect(f.writes).toHaveLength(10);
    progress.tick();
    expect(f.writes).toHaveLength(11);
    expect(f.writes.at(-1)).toContain('100%  1000/1000');
  });

  it('cuts lines to the terminal width so \\r can redraw them', () => {
    const f = fakes(true, 30);
    createProgress({total: 10, label: 'a long experiment name', stream: f.stream, now: f.now}).tick();
    expect(f.writes[0]).toBe('\ra long experiment name  [##--\x1b[K');
  });

  it('ETA is --:-- before the first step', () => {
    const f = fakes(true);
    createProgress({total: 10, barWidth: 2, stream: f.stream, now: f.now}).tick(0);
    expect(f.writes[0]).toBe('\r[--]  0%  0/10  0:00 elapsed  ETA --:--\x1b[K');
  });
});

describe('createProgress without a TTY (CI logs)', () => {
  it('a fast run prints one plain line per 10%, no \\r, and done() adds no duplicate', () => {
    const f = fakes(false);
    const progress = createProgress({total: 1000, stream: f.stream, now: f.now});
    for (let i = 0; i < 1000; i++) { f.advance(0.0005); progress.tick(); }
    progress.done();
    expect(f.writes).toHaveLength(10);
    expect(f.writes.join('')).not.toContain('\r');
    expect(f.writes.map((w) => /(\d+)%/.exec(w)![1])).toEqual(['10', '20', '30', '40', '50', '60', '70', '80', '90', '100']);
    for (const w of f.writes) expect(w.endsWith('\n')).toBe(true);
  });

  it('a slow run also prints every logEverySeconds between the 10% lines', () => {
    const f = fakes(false);
    const progress = createProgress({total: 100, stream: f.stream, now: f.now, logEverySeconds: 5});
    // 1 step per 2 s: 10% takes 20 s, so lines come every 5 s of work (every 3rd tick at 6 s).
    for (let i = 0; i < 10; i++) { f.advance(2); progress.tick(); }
    expect(f.writes.map((w) => /(\d+)\/100/.exec(w)![1])).toEqual(['3', '6', '9', '10']);
  });

  it('done() prints a final line when the last one is stale, even short of the total', () => {
    const f = fakes(false);
    const progress = createProgress({total: 100, label: 'run', barWidth: 4, stream: f.stream, now: f.now});
    f.advance(1); progress.tick(5);
    progress.done('stopped early');
    expect(f.writes).toEqual(['run  [----]  5%  5/100  0:01 elapsed  ETA 0:19  stopped early\n']);
  });

  it('ticks after done() are ignored', () => {
    const f = fakes(false);
    const progress = createProgress({total: 1, stream: f.stream, now: f.now});
    progress.tick();
    progress.done();
    progress.tick();
    expect(f.writes).toHaveLength(1);
  });
});

describe('createProgress arguments', () => {
  it('total 0 shows 100% at once', () => {
    const f = fakes(true);
    createProgress({total: 0, barWidth: 2, stream: f.stream, now: f.now}).done();
    expect(f.writes[0]).toBe('\r[##]  100%  0/0  0:00 elapsed\x1b[K\n');
  });

  it('throws when total is NaN or fractional', () => {
    expect(() => createProgress({total: NaN})).toThrow(/^createProgress: total must be an integer ≥ 0, got NaN$/);
    expect(() => createProgress({total: 2.5})).toThrow(/createProgress: total must be an integer ≥ 0, got 2\.5/);
  });

  it('throws when tick gets a negative count', () => {
    const f = fakes(true);
    expect(() => createProgress({total: 3, stream: f.stream, now: f.now}).tick(-1))
      .toThrow(/Progress\.tick: n must be a finite number ≥ 0, got -1/);
  });
});

describe('createProgress where there is no process (a browser)', () => {
  it('throws asking for options.stream instead of failing on the missing global', () => {
    const saved = globalThis.process;
    (globalThis as {process?: unknown}).process = undefined;
    try {
      expect(() => createProgress({total: 1}))
        .toThrow(/^createProgress: there is no process\.stderr here \(not Node\), so options\.stream is required/);
    } finally {
      globalThis.process = saved;
    }
  });
});
