import {createRandom} from '@encoderless/random';
import {principalComponents} from './principal-components';

/** N samples a·u + b·w + small noise, std(a) = 3, std(b) = 1, u ⟂ w unit vectors of `dim`. */
function planted(n: number, dim: number, seed: number) {
  const rng = createRandom(seed);
  const u = Array.from({length: dim}, (_, j) => (j % 2 === 0 ? 1 : 0));
  const w = Array.from({length: dim}, (_, j) => (j % 2 === 1 ? 1 : -0.0)).map((v, j) => (j < 2 ? 0 : v));
  const norm = (v: number[]) => { const s = Math.hypot(...v); return v.map((x) => x / s); };
  const [U, W] = [norm(u), norm(w)];
  const rows = Array.from({length: n}, () => {
    const a = rng.normal(0, 3), b = rng.normal(0, 1);
    return U.map((x, j) => 5 + a * x + b * W[j] + rng.normal(0, 0.01));
  });
  return {rows, U, W};
}

function covarianceTimes(rows: number[][], v: number[]): number[] {
  const n = rows.length, dim = v.length;
  const mean = Array.from({length: dim}, (_, j) => rows.reduce((s, r) => s + r[j], 0) / n);
  const out = new Array(dim).fill(0);
  for (const r of rows) {
    const s = r.reduce((acc, x, j) => acc + (x - mean[j]) * v[j], 0) / n;
    r.forEach((x, j) => { out[j] += s * (x - mean[j]); });
  }
  return out;
}

describe('principalComponents', () => {
  for (const dim of [6, 80]) {
    it(`finds the planted axes and satisfies C·v = λ·v (dim ${dim}, ${dim <= 64 ? 'covariance formed' : 'implicit'})`, () => {
      const {rows, U, W} = planted(400, dim, dim);
      const pca = principalComponents(rows, 2);
      const along = (a: number[], b: number[]) => Math.abs(a.reduce((s, x, j) => s + x * b[j], 0));
      // Sampling noise tilts the sample covariance's axes slightly off the planted ones; the eigen equation below is exact.
      expect(along(pca.components[0], U)).toBeGreaterThan(0.999);
      expect(along(pca.components[1], W)).toBeGreaterThan(0.999);
      pca.components.forEach((v, i) => {
        const cv = covarianceTimes(rows, v);
        cv.forEach((x, j) => expect(Math.abs(x - pca.variances[i] * v[j])).toBeLessThan(1e-9));
      });
      expect(pca.variances[0]).toBeGreaterThan(pca.variances[1]);
      expect(pca.explained[0] + pca.explained[1]).toBeGreaterThan(0.999);
      expect(pca.scores[0][0]).toBeCloseTo(rows[0].reduce((s, x, j) => s + (x - pca.mean[j]) * pca.components[0][j], 0), 12);
    });
  }

  it('is deterministic and signs each component by its largest entry', () => {
    const {rows} = planted(50, 4, 1);
    const a = principalComponents(rows, 2), b = principalComponents(rows, 2);
    expect(a).toEqual(b);
    for (const c of a.components) expect(c[c.map(Math.abs).indexOf(Math.max(...c.map(Math.abs)))]).toBeGreaterThan(0);
  });

  it('throws for one sample or k beyond the dimension', () => {
    expect(() => principalComponents([[1, 2]])).toThrow(/at least 2 samples/);
    expect(() => principalComponents([[1], [2]], 2)).toThrow(/k must be an integer from 1 to the rows' dimension 1, got 2/);
  });
});
