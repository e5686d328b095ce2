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

  it('permutation holds every index once', () => {
    const p = createRandom(4).permutation(1000);
    expect(Array.from(p).sort((x, y) => x - y)).toEqual(Array.from({length: 1000}, (_, i) => i));
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
