import {expectArraysClose} from '@encoderless/test-utils';
import {unitCorrelations, meanAbsUnitCorrelation, flattenedCorrelation} from './index';

describe('unit correlations', () => {
  // truth [4 samples, 2 units]; learned unit 0 = −3·truth₀ + 1 (PCC −1), unit 1 = 2·truth₁ (PCC 1).
  const truth = Float32Array.from([1, 10, 2, 20, 3, 40, 4, 30]);
  const learned = Float32Array.from([-2, 20, -5, 40, -8, 80, -11, 60]);

  it('per unit: scale and sign are free, so an affine copy has |PCC| 1', () => {
    expectArraysClose(unitCorrelations(truth, learned, 2), [-1, 1], {atol: 1e-12});
    expectArraysClose([meanAbsUnitCorrelation(truth, learned, 2)], [1], {atol: 1e-12});
  });

  it('flattened PCC of the same perfect fit, by hand: 0.98628 (all entries as one sample)', () => {
    // Means 110/8 = 13.75 and 174/8 = 21.75; Σdx·dy = 3527.5, Σdx² = 1517.5, Σdy² = 8429.5
    // → 3527.5 / √(1517.5 · 8429.5) = 0.9862834940667…
    expectArraysClose([flattenedCorrelation(truth, learned)], [3527.5 / Math.sqrt(1517.5 * 8429.5)], {atol: 1e-12});
  });

  it('flattened PCC is 0 for a perfect fit whose units differ in sign (why it is only shown beside)', () => {
    // truth [4, 2]: both units 1…4; learned: unit 0 negated. Per unit |PCC| = 1, but flattened
    // each sample's pair (t, t) against (−t, t) cancels: Σ(t − 2.5)·(−t) + Σ(t − 2.5)·t = 0 exactly.
    const t = Float32Array.from([1, 1, 2, 2, 3, 3, 4, 4]);
    const l = Float32Array.from([-1, 1, -2, 2, -3, 3, -4, 4]);
    expectArraysClose([meanAbsUnitCorrelation(t, l, 2)], [1], {atol: 1e-12});
    expectArraysClose([flattenedCorrelation(t, l)], [0], {atol: 1e-12});
  });

  it('flattened PCC keeps its sign: a fit whose every unit is negated gives -1, not 1', () => {
    const t = Float32Array.of(1, 2, 3, 4), l = Float32Array.of(-2, -4, -6, -8);
    expectArraysClose([flattenedCorrelation(t, l)], [-1], {atol: 1e-12});
  });

  it('a hand-computed partial correlation: x = [1,2,3], y = [1,3,2] gives 0.5', () => {
    // mean 2 each; Σdx·dy = (−1)(−1)+0+(1)(0) = 1; Σdx² = Σdy² = 2 → 1/2.
    expectArraysClose(unitCorrelations(Float32Array.of(1, 2, 3), Float32Array.of(1, 3, 2), 1), [0.5], {atol: 1e-12});
  });

  it('a constant unit gets 0, and mismatched sizes throw', () => {
    expectArraysClose(unitCorrelations(Float32Array.of(1, 1, 1), Float32Array.of(1, 2, 3), 1), [0], {atol: 0});
    expect(() => unitCorrelations(new Float32Array(6), new Float32Array(4), 2)).toThrow(/truth has 6 values and learned 4/);
    expect(() => unitCorrelations(new Float32Array(6), new Float32Array(6), 4)).toThrow(/both must be samples × 4/);
    expect(() => flattenedCorrelation(new Float32Array(3), new Float32Array(2))).toThrow(/^flattenedCorrelation: truth has 3 values, learned 2$/);
  });

  it('throws on NaN or Infinity, naming the array and the entry (never 0 for a NaN unit)', () => {
    const nan = Float32Array.from([1, 2, 3, NaN, 5, 6]);
    expect(() => meanAbsUnitCorrelation(Float32Array.of(1, 2, 3, 4, 5, 7), nan, 2)).toThrow(/unitCorrelations: learned\[1, 1\] is NaN/);
    expect(() => unitCorrelations(Float32Array.of(Infinity, 1), Float32Array.of(1, 2), 1)).toThrow(/truth\[0, 0\] is Infinity/);
    expect(() => flattenedCorrelation(Float32Array.of(1, 2, 3), Float32Array.of(1, NaN, 3))).toThrow(/flattenedCorrelation: learned\[1, 0\] is NaN/);
  });
});
