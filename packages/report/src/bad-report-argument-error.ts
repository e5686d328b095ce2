/**
 * The one error the report package throws for bad input: a width that is NaN, an image whose
 * length does not match height·width·channels, a column no row has. The message names the
 * function, the argument, what was expected and what came, so a runner's log says the fix.
 */
export class BadReportArgumentError extends Error {
  override name = 'BadReportArgumentError';
}

/** A short, unambiguous rendering of any value for an error message. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint' ||
      value === undefined || value === null) {
    return String(value);
  }
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) {
    const length = (value as unknown as ArrayLike<unknown>).length;
    return `a ${value.constructor.name} of length ${length ?? value.byteLength}`;
  }
  if (typeof value === 'function') return 'a function';
  return typeof value === 'object' ? `an object with keys [${Object.keys(value).join(', ')}]` : typeof value;
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
