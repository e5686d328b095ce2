/**
 * A short, unambiguous rendering of any value for an error message: strings quoted, numbers
 * as they are (`NaN` included), containers by kind and length rather than their contents.
 *
 * ```ts
 * describe('7');                  // '"7"'
 * describe(new Float32Array(3));  // 'a Float32Array of length 3'
 * ```
 */
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
