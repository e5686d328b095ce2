import {ABOUT_THREE, checkMuchLarger, GAP_CLOSED, MUCH_RATIO} from './claims';

// The thresholds are the report's reading of the paper's words; each is pinned at its edge, so a
// threshold that drifts (1.15 → 1.1, say) fails here even where the experiments' tests, which
// use ratios far from the edge, would not notice.
describe('the claim thresholds', () => {
  it('the thresholds as the reports print them', () => {
    expect([MUCH_RATIO, ABOUT_THREE.low, ABOUT_THREE.high, GAP_CLOSED]).toEqual([1.15, 2, 4.5, 0.25]);
  });

  it('"much": held at exactly 1.15, not at 1.1499; the printed ratio is larger / smaller', () => {
    expect(checkMuchLarger('c', 'w', 1.15, 1)).toMatchObject({verdict: 'held', detail: 'w: ratio **1.15** (threshold ≥ 1.15 for "much")'});
    expect(checkMuchLarger('c', 'w', 1.1499, 1).verdict).toBe('did not hold');
    expect(checkMuchLarger('c', 'w', 0.23, 0.2, 'far')).toMatchObject({verdict: 'held', detail: expect.stringMatching(/for "far"/)});
  });

  it('"much": a loss that is not finite, zero or negative is a diverged run, never "held"', () => {
    for (const [a, b] of [[NaN, 1], [1, 0], [Infinity, 1], [-1, 1], [1, -1]]) {
      expect(checkMuchLarger('c', 'w', a, b)).toMatchObject({verdict: 'did not hold', detail: expect.stringMatching(/not finite/)});
    }
  });
});
