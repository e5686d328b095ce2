import {BadConfigError, describe} from '@encoderless/errors';

export {describe};

/**
 * The one error the report package throws for bad input: a width that is NaN, an image whose
 * length does not match height·width·channels, a column no row has. The message names the
 * function, the argument, what was expected and what came, so a runner's log says the fix.
 */
export class BadReportArgumentError extends BadConfigError {
  override name = 'BadReportArgumentError';
}

/** `value` must be a safe integer ≥ `min` (1 unless told). Returns it. */
export function checkInteger(fn: string, arg: string, value: unknown, min = 1): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    const expected = min === 1 ? 'a positive integer' : `an integer ≥ ${min}`;
    throw new BadReportArgumentError(`${fn}: ${arg} must be ${expected}, got ${describe(value)}`);
  }
  return value;
}

/** `value` must be a finite number (> 0 when `positive`). Returns it. */
export function checkFinite(fn: string, arg: string, value: unknown, positive = false): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || (positive && value <= 0)) {
    const expected = positive ? 'a finite number > 0' : 'a finite number';
    throw new BadReportArgumentError(`${fn}: ${arg} must be ${expected}, got ${describe(value)}`);
  }
  return value;
}
