import {formatDuration} from './format-duration';

describe('formatDuration', () => {
  it.each([[0, '0:00'], [0.4, '0:00'], [41.4, '0:41'], [59.6, '1:00'], [600, '10:00'], [3599, '59:59'],
    [3600, '1:00:00'], [3725, '1:02:05'], [100 * 3600, '100:00:00']])('%p s is %p', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  it('throws when seconds is negative, NaN or infinite', () => {
    expect(() => formatDuration(-1)).toThrow(/^formatDuration: seconds must be a finite number ≥ 0, got -1$/);
    expect(() => formatDuration(NaN)).toThrow(/got NaN/);
    expect(() => formatDuration(Infinity)).toThrow(/got Infinity/);
  });
});
