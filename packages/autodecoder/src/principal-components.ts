import {BadDataError} from '@encoderless/errors';

/** What `principalComponents` returns. */
export interface PrincipalComponents {
  /** Each sample's coordinates on the components, [samples][k]. */
  readonly scores: number[][];
  /** The components, unit vectors [k][dim], in order of decreasing variance; each one's largest entry is positive. */
  readonly components: number[][];
  /** The variance along each component (population, divided by the sample count). */
  readonly variances: number[];
  /** Each component's share of the total variance. */
  readonly explained: number[];
  /** The per-dimension mean that was subtracted. */
  readonly mean: number[];
}

/**
 * The first `k` principal components of some rows (e.g. representations), in float64: the
 * directions of largest variance, by subspace iteration on the covariance with a few extra
 * vectors and a Rayleigh–Ritz step at the end, from a fixed start (deterministic). Below 65
 * dimensions the covariance is formed; above, it is applied as Xᵀ(X·V)/N without forming it.
 *
 * ```ts
 * const {scores, explained} = principalComponents(model.representations, 2); // a 2-D map
 * ```
 */
export function principalComponents(rows: readonly (readonly number[])[], k = 2): PrincipalComponents {
  const fn = 'principalComponents';
  const n = rows.length, dim = rows[0]?.length ?? 0;
  if (n < 2 || dim < 1) throw new BadDataError(`${fn}: rows must hold at least 2 samples of at least 1 value, got ${n} × ${dim}`, {option: 'rows'});
  if (!(Number.isInteger(k) && k >= 1 && k <= dim)) {
    throw new BadDataError(`${fn}: k must be an integer from 1 to the rows' dimension ${dim}, got ${k}`, {option: 'k'});
  }
  const mean = new Array<number>(dim).fill(0);
  for (const row of rows) {
    if (row.length !== dim) throw new BadDataError(`${fn}: every row must have ${dim} values, one has ${row.length}`, {option: 'rows'});
    for (let j = 0; j < dim; j++) mean[j] += row[j] / n;
  }
  const x = rows.map((row) => Float64Array.from(row, (v, j) => v - mean[j]));

  // C·v for a vector v of the dimension: the formed covariance, or Xᵀ(X·v)/N.
  let multiply: (v: Float64Array) => Float64Array;
  if (dim <= 64) {
    const c = Array.from({length: dim}, () => new Float64Array(dim));
    for (const r of x) for (let a = 0; a < dim; a++) for (let b = a; b < dim; b++) c[a][b] += (r[a] * r[b]) / n;
    for (let a = 0; a < dim; a++) for (let b = 0; b < a; b++) c[a][b] = c[b][a];
    multiply = (v) => Float64Array.from(c, (row) => dot(row, v));
  } else {
    multiply = (v) => {
      const out = new Float64Array(dim);
      for (const r of x) {
        const s = dot(r, v) / n;
        for (let j = 0; j < dim; j++) out[j] += s * r[j];
      }
      return out;
    };
  }

  const p = Math.min(dim, k + 3);
  // A fixed, generic start: entries of a low-discrepancy sequence, so no seed is needed.
  let basis = orthonormalize(Array.from({length: p}, (_, i) => Float64Array.from({length: dim}, (_, j) => ((j + 1) * 0.7548776662 + (i + 1) * 0.5698402910) % 1 - 0.5)));
  for (let iteration = 0; iteration < 500; iteration++) {
    const next = orthonormalize(basis.map(multiply));
    const moved = next.slice(0, k).reduce((worst, v, i) => Math.max(worst, 1 - Math.abs(dot(v, basis[i]))), 0);
    basis = next;
    if (moved < 1e-13) break;
  }
  // Rayleigh–Ritz: the p×p projection of C on the basis, diagonalised, rotates the basis onto the eigenvectors.
  const cb = basis.map(multiply);
  const t = basis.map((u) => cb.map((w) => dot(u, w)));
  const {values, vectors} = jacobiEigen(t);
  const order = values.map((_, i) => i).sort((a, b) => values[b] - values[a]).slice(0, k);
  const components = order.map((i) => {
    const v = new Float64Array(dim);
    basis.forEach((u, q) => { for (let j = 0; j < dim; j++) v[j] += vectors[q][i] * u[j]; });
    let big = 0;
    for (let j = 1; j < dim; j++) if (Math.abs(v[j]) > Math.abs(v[big])) big = j;
    const sign = v[big] < 0 ? -1 : 1;
    return Array.from(v, (e) => sign * e);
  });
  const total = x.reduce((s, r) => s + dot(r, r), 0) / n;
  const variances = order.map((i) => Math.max(0, values[i]));
  return {
    scores: x.map((r) => components.map((c) => dot(r, c))), components, variances,
    explained: variances.map((v) => (total > 0 ? v / total : 0)), mean,
  };
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Modified Gram–Schmidt; a vector that vanishes is replaced by a fresh unit direction. */
function orthonormalize(vectors: Float64Array[]): Float64Array[] {
  const out: Float64Array[] = [];
  vectors.forEach((v0, i) => {
    const v = Float64Array.from(v0);
    for (let pass = 0; pass < 2; pass++) for (const u of out) { const s = dot(v, u); for (let j = 0; j < v.length; j++) v[j] -= s * u[j]; }
    let norm = Math.sqrt(dot(v, v));
    if (norm < 1e-300) { v.fill(0); v[i % v.length] = 1; norm = 1; }
    out.push(v.map((e) => e / norm));
  });
  return out;
}

/** Eigenvalues and eigenvectors (columns) of a small symmetric matrix by cyclic Jacobi rotations. */
function jacobiEigen(matrix: number[][]): {values: number[]; vectors: number[][]} {
  const n = matrix.length;
  const a = matrix.map((r) => r.slice());
  const v: number[][] = Array.from({length: n}, (_, i) => Array.from({length: n}, (_, j) => (i === j ? 1 : 0)));
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) off += a[i][j] ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        if (a[p][q] === 0) continue;
        const theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1), s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k][p], akq = a[k][q];
          a[k][p] = c * akp - s * akq;
          a[k][q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p][k], aqk = a[q][k];
          a[p][k] = c * apk - s * aqk;
          a[q][k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k][p], vkq = v[k][q];
          v[k][p] = c * vkp - s * vkq;
          v[k][q] = s * vkp + c * vkq;
        }
      }
    }
  }
  return {values: a.map((r, i) => r[i]), vectors: v};
}
