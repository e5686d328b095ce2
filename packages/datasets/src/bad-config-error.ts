import {BadConfigError, describe} from '@encoderless/errors';

// A data set asked for with options that cannot describe one (no samples, a fractional
// dimension, a connectivity of 0) is the shared `BadConfigError`.
export {BadConfigError, describe};

/** `value` must be a safe integer ≥ 1. Returns it. */
export function checkPositiveInteger(fn: string, arg: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new BadConfigError(`${fn}: ${arg} must be a positive integer, got ${describe(value)}`);
  }
  return value;
}

/** `value` must be a finite number; `low`/`high` bound it, `open` says which bounds are excluded. */
export function checkNumberIn(
  fn: string, arg: string, value: unknown,
  range: {low?: number; high?: number; lowOpen?: boolean; highOpen?: boolean},
): number {
  const {low = -Infinity, high = Infinity, lowOpen = false, highOpen = false} = range;
  const ok = typeof value === 'number' && Number.isFinite(value) &&
    (lowOpen ? value > low : value >= low) && (highOpen ? value < high : value <= high);
  if (!ok) {
    let expected = 'a finite number';
    if (low > -Infinity && high < Infinity) {
      expected = `in ${lowOpen ? '(' : '['}${low}, ${high}${highOpen ? ')' : ']'}`;
    } else if (low > -Infinity) {
      expected = `a finite number ${lowOpen ? '>' : '≥'} ${low}`;
    } else if (high < Infinity) {
      expected = `a finite number ${highOpen ? '<' : '≤'} ${high}`;
    }
    throw new BadConfigError(`${fn}: ${arg} must be ${expected}, got ${describe(value)}`);
  }
  return value as number;
}
