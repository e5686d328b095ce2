/**
 * A data set was asked for with options that cannot describe one (no samples, a fractional
 * dimension, a connectivity of 0). The message names the function, the option, what was
 * expected and what came.
 */
export class BadConfigError extends Error {
  override name = 'BadConfigError';
}

/** A short, unambiguous rendering of any value for an error message. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'object' && value !== null) {
    return Array.isArray(value) ? `an array of length ${value.length}` : `an object with keys [${Object.keys(value).join(', ')}]`;
  }
  return String(value);
}

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
