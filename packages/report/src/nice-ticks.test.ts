import {formatTick, linearTicks, logTicks, niceStep} from './nice-ticks';

describe('niceStep', () => {
  it.each([[1, 5, 0.2], [10, 5, 2], [7, 5, 1], [0.03, 5, 0.005], [2500, 5, 500], [350, 5, 100]])(
    'span %p in about %p steps: %p', (span, count, expected) => {
      expect(niceStep(span, count)).toBeCloseTo(expected, 12);
    });
});

describe('linearTicks', () => {
  it('widens [0.13, 0.91] to [0, 1] with steps of 0.2 and no float noise', () => {
    expect(linearTicks(0.13, 0.91)).toEqual({min: 0, max: 1, ticks: [0, 0.2, 0.4, 0.6, 0.8, 1]});
  });

  it('negative ranges: [-7, 3] in steps of 2', () => {
    expect(linearTicks(-7, 3)).toEqual({min: -8, max: 4, ticks: [-8, -6, -4, -2, 0, 2, 4]});
  });

  it('a fixed range keeps its ends and only lists ticks inside', () => {
    expect(linearTicks(0.05, 0.95, 5, true)).toEqual({min: 0.05, max: 0.95, ticks: [0.2, 0.4, 0.6, 0.8]});
  });

  it('all-equal values are widened by 10% (or by 1 around 0), then to round ticks', () => {
    // [5, 5] → [4.5, 5.5], span 1, step 0.2, widened to the enclosing ticks 4.4 and 5.6.
    expect(linearTicks(5, 5)).toEqual({min: 4.4, max: 5.6, ticks: [4.4, 4.6, 4.8, 5, 5.2, 5.4, 5.6]});
    expect(linearTicks(0, 0)).toEqual({min: -1, max: 1, ticks: [-1, -0.5, 0, 0.5, 1]});
  });
});

describe('logTicks', () => {
  it('wide ranges: whole decades, powers of ten only', () => {
    expect(logTicks(3, 45000)).toEqual({min: 1, max: 100000, ticks: [1, 10, 100, 1000, 10000, 100000]});
  });

  it('narrow ranges add 2× and 5×', () => {
    expect(logTicks(20, 400)).toEqual({min: 10, max: 1000, ticks: [10, 20, 50, 100, 200, 500, 1000]});
  });

  it('a single decade boundary is widened a decade each way', () => {
    expect(logTicks(100, 100).min).toBe(10);
    expect(logTicks(100, 100).max).toBe(1000);
  });
});

describe('formatTick', () => {
  it.each([[0, '0'], [0.30000000000000004, '0.3'], [12000, '12000'], [1e5, '1e5'], [2e-5, '2e-5'], [-1.5e6, '-1.5e6'], [0.001, '0.001']])(
    '%p prints as %p', (value, expected) => {
      expect(formatTick(value)).toBe(expected);
    });
});
