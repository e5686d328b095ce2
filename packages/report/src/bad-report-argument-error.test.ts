import {BadReportArgumentError, checkFinite, checkInteger} from './bad-report-argument-error';

describe('checks', () => {
  it('checkInteger passes integers and returns them', () => {
    expect(checkInteger('f', 'n', 3)).toBe(3);
    expect(checkInteger('f', 'n', 0, 0)).toBe(0);
  });

  it('throws when an integer is fractional, naming function, argument, expectation and value', () => {
    expect(() => checkInteger('encodePng', 'width', 2.5))
      .toThrow(/^encodePng: width must be a positive integer, got 2\.5$/);
    expect(() => checkInteger('f', 'n', 2.5)).toThrow(BadReportArgumentError);
  });

  it('throws when a finite number is NaN or (for positive) zero', () => {
    expect(() => checkFinite('renderLineChart', 'width', NaN, true))
      .toThrow(/renderLineChart: width must be a finite number > 0, got NaN/);
    expect(() => checkFinite('f', 'x', Infinity)).toThrow(/f: x must be a finite number, got Infinity/);
    expect(checkFinite('f', 'x', -1)).toBe(-1);
  });
});
