import {BadDataError} from './latent-errors';

/**
 * Pearson correlation of each representation unit with its true counterpart, across samples:
 * `truth` and `learned` are [samples, m] row-major. Each unit's scale and sign are free in a
 * learned representation, so compare units one by one; a unit with no variance gets 0. A NaN or
 * infinite entry throws `BadDataError` naming it: a correlation of diverged rows is not a
 * number to report, and 0 would read as a real one.
 */
export function unitCorrelations(truth: Float32Array, learned: Float32Array, m: number): Float64Array {
  if (truth.length !== learned.length || truth.length % m !== 0) {
    throw new BadDataError(`unitCorrelations: truth has ${truth.length} values and learned ${learned.length}; both must be samples × ${m}`);
  }
  checkFinite('unitCorrelations', truth, learned, m);
  const n = truth.length / m;
  const out = new Float64Array(m);
  for (let j = 0; j < m; j++) out[j] = pearson((i) => truth[i * m + j], (i) => learned[i * m + j], n);
  return out;
}

/** The mean over units of |PCC|: 1 when every unit is recovered up to scale and sign. Throws on NaN, like `unitCorrelations`. */
export function meanAbsUnitCorrelation(truth: Float32Array, learned: Float32Array, m: number): number {
  const r = unitCorrelations(truth, learned, m);
  let s = 0;
  for (const v of r) s += Math.abs(v);
  return s / m;
}

/**
 * PCC over all entries flattened. Shown beside the per-unit figure only as a warning sign:
 * units of different scale or sign pull it towards 0 even for a perfect fit.
 */
export function flattenedCorrelation(truth: Float32Array, learned: Float32Array): number {
  if (truth.length !== learned.length) {
    throw new BadDataError(`flattenedCorrelation: truth has ${truth.length} values, learned ${learned.length}`);
  }
  checkFinite('flattenedCorrelation', truth, learned, 1);
  return pearson((i) => truth[i], (i) => learned[i], truth.length);
}

function pearson(x: (i: number) => number, y: (i: number) => number, n: number): number {
  let mx = 0, my = 0;
  for (let i = 0; i < n; i++) { mx += x(i); my += y(i); }
  mx /= n; my /= n;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x(i) - mx, dy = y(i) - my;
    sxy += dx * dy; sxx += dx * dx; syy += dy * dy;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : 0;
}

/** Throws naming the first non-finite entry of either array as [sample, unit]. */
function checkFinite(fn: string, truth: Float32Array, learned: Float32Array, m: number): void {
  for (const [name, values] of [['truth', truth], ['learned', learned]] as const) {
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i])) {
        throw new BadDataError(`${fn}: ${name}[${Math.floor(i / m)}, ${i % m}] is ${values[i]}, expected finite values ` +
          '(NaN rows come from a diverged fit; lower the learning rate)');
      }
    }
  }
}
