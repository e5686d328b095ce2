// runtime-limits.ts for browsers (swapped in through package.json's "browser" field): a page
// cannot ask how long a typed array may be or how much memory the machine has.

/**
 * 2^32 elements, Node 20's limit: a page cannot allocate one array of 16 GiB of float32 anyway.
 * Larger sizes are refused with the same message as in Node; smaller ones that still do not fit
 * end in the allocation's RangeError.
 */
export const maxArrayLength = 2 ** 32;

/** Unknown in a browser: the memory check is skipped. */
export function machineMemory(): number | undefined {
  return undefined;
}

/** tsc checks that this file exports what its Node twin exports. */
const _twin: typeof import('./runtime-limits') = {maxArrayLength, machineMemory};
