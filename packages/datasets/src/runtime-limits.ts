import {constants} from 'node:buffer';
import {totalmem} from 'node:os';

// What this runtime can hold, for the size checks that refuse impossible sizes with a clear
// message before a RangeError or an out-of-memory kill (generateSimulated, parseCsv, parseNpy).
// Node's values; bundlers for the browser use runtime-limits.browser.ts instead (package.json's
// "browser" field maps one file to the other).

/** The longest typed array, in elements: 4,294,967,296 on Node 20; newer runtimes allow longer ones. */
export const maxArrayLength: number = constants.MAX_LENGTH;

/** This machine's memory in bytes, or undefined where it cannot be known. */
export function machineMemory(): number | undefined {
  return totalmem();
}
