import {createRandom, randomNormalArray} from './index';

function moments(xs: ArrayLike<number>): {mean: number; variance: number} {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  const mean = s / xs.length;
  let v = 0;
  for (let i = 0; i < xs.length; i++) v += (xs[i] - mean) ** 2;
  return {mean, variance: v / (xs.length - 1)};
}

describe('createRandom', () => {
  it('same seed gives the same stream, different seeds differ', () => {
    const a = createRandom(7), b = createRandom(7), c = createRandom(8);
    const xa = Array.from({length: 5}, () => a.next());
    const xb = Array.from({length: 5}, () => b.next());
    const xc = Array.from({length: 5}, () => c.next());
    expect(xa).toEqual(xb);
    expect(xa).not.toEqual(xc);
    for (const x of xa) expect(x >= 0 && x < 1).toBe(true);
  });

  // 200k draws: the standard error of a mean is std/sqrt(n) ≈ 0.0022·std, so 5 SE ≈ 0.011·std.
  const n = 200_000;
  it('uniform(2, 5) has mean 3.5 and variance 0.75 within 5 standard errors', () => {
    const rng = createRandom(1);
    const {mean, variance} = moments(Array.from({length: n}, () => rng.uniform(2, 5)));
    expect(Math.abs(mean - 3.5)).toBeLessThan(5 * Math.sqrt(0.75 / n));
    expect(Math.abs(variance - 0.75)).toBeLessThan(0.01);
  });

  it('normal(1, 2) has mean 1 and variance 4', () => {
    const {mean, variance} = moments(randomNormalArray(createRandom(2), n, 1, 2));
    expect(Math.abs(mean - 1)).toBeLessThan(5 * 2 / Math.sqrt(n));
    expect(Math.abs(variance - 4)).toBeLessThan(0.06);
  });

  it.each([[0.5, 2], [1, 1], [3, 0.5]])('gamma(shape=%p, scale=%p) has mean k·θ and variance k·θ²',
    (k, theta) => {
      const rng = createRandom(3);
      const {mean, variance} = moments(Array.from({length: n}, () => rng.gamma(k, theta)));
      const sd = Math.sqrt(k) * theta;
      expect(Math.abs(mean - k * theta)).toBeLessThan(5 * sd / Math.sqrt(n));
      expect(Math.abs(variance / (k * theta * theta) - 1)).toBeLessThan(0.03);
    });

  it('permutation holds every index once, and shuffles: not the identity, the same per seed, another for another seed', () => {
    const p = createRandom(4).permutation(1000);
    expect(Array.from(p).sort((x, y) => x - y)).toEqual(Array.from({length: 1000}, (_, i) => i));
    // A uniform permutation of 1000 keeps about one index in place (expected fixed points: 1).
    expect(p.filter((v, i) => v === i).length).toBeLessThan(10);
    expect(Array.from(createRandom(4).permutation(1000))).toEqual(Array.from(p));
    expect(Array.from(createRandom(5).permutation(1000))).not.toEqual(Array.from(p));
  });

  it('permutation(4) draws each of the 24 orders equally often (chi-square, 23 degrees of freedom)', () => {
    // 48,000 draws, 2,000 expected per order. The naive shuffle (swap with any j in [0, n)) makes
    // 256 equally likely paths for 24 orders, some orders 1.4× as often as others: chi² in the
    // thousands. Uniform: chi² has mean 23 and sd 6.8; 60 is beyond the 0.9999 quantile (≈ 57).
    const rng = createRandom(6);
    const counts = new Map<string, number>();
    const draws = 48_000;
    for (let t = 0; t < draws; t++) {
      const key = rng.permutation(4).join('');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(24);
    const expected = draws / 24;
    const chi2 = [...counts.values()].reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(60);
  });

  it('shuffle returns the items in permutation order and leaves the input as it was', () => {
    const items = ['a', 'b', 'c', 'd', 'e'];
    const order = createRandom(7).permutation(5);
    expect(createRandom(7).shuffle(items)).toEqual(Array.from(order, (i) => items[i]));
    expect(items).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('seed() draws 31-bit integers from the stream: the same per seed, spread over [0, 2^31)', () => {
    const a = createRandom(8), b = createRandom(8);
    const seeds = Array.from({length: 1000}, () => a.seed());
    expect(Array.from({length: 1000}, () => b.seed())).toEqual(seeds);
    for (const s of seeds) expect(Number.isInteger(s) && s >= 0 && s < 2 ** 31).toBe(true);
    expect(new Set(seeds).size).toBe(1000);
    // Both halves of the range are used (a seed kept below 2^30 would be a bit lost): about 500 each.
    expect(seeds.filter((s) => s >= 2 ** 30).length).toBeGreaterThan(400);
  });

  it('fork() is a child stream seeded by the parent\'s next seed(); it repeats per seed and is not the parent\'s stream', () => {
    const child = createRandom(9).fork();
    const viaSeed = createRandom(createRandom(9).seed());
    const xs = Array.from({length: 5}, () => child.next());
    expect(Array.from({length: 5}, () => viaSeed.next())).toEqual(xs);
    const again = createRandom(9).fork();
    expect(Array.from({length: 5}, () => again.next())).toEqual(xs);
    const parent = createRandom(9);
    const forked = parent.fork();
    // The parent moves on by one draw, and the two streams are unrelated: |correlation| of 20,000 pairs
    // is about 1/√20000 ≈ 0.007; an identical or shifted copy would give 1.
    const n = 20_000;
    const p = Array.from({length: n}, () => parent.next()), c = Array.from({length: n}, () => forked.next());
    expect(p.slice(0, 5)).not.toEqual(xs);
    const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
    const mp = mean(p), mc = mean(c);
    let sxy = 0, sxx = 0, syy = 0;
    for (let i = 0; i < n; i++) { sxy += (p[i] - mp) * (c[i] - mc); sxx += (p[i] - mp) ** 2; syy += (c[i] - mc) ** 2; }
    expect(Math.abs(sxy / Math.sqrt(sxx * syy))).toBeLessThan(0.035);
  });

  it('sample draws k distinct indices in range, and every index is equally likely', () => {
    const rng = createRandom(5);
    const counts = new Array(10).fill(0);
    for (let t = 0; t < 20_000; t++) {
      const s = rng.sample(10, 3);
      expect(new Set(s).size).toBe(3);
      for (const i of s) counts[i]++;
    }
    // Each index is drawn with probability 0.3: 6000 expected, binomial sd ≈ 65.
    for (const c of counts) expect(Math.abs(c - 6000)).toBeLessThan(400);
  });

  it('throws when a seed is not an integer', () => {
    expect(() => createRandom(1.5)).toThrow(/seed must be an integer, got 1.5/);
  });
  it('throws when sampling more than there are', () => {
    expect(() => createRandom(1).sample(3, 4)).toThrow(/cannot draw 4 distinct indices out of 3/);
  });
  it('throws on a non-positive gamma shape', () => {
    expect(() => createRandom(1).gamma(0)).toThrow(/shape and scale must be positive, got shape=0/);
  });
});
