// replica-module-path.ts for browsers (swapped in through package.json's "browser" field): a
// page has no worker threads to rebuild the decoder in, so fitAutoDecoder refuses threads > 1.

/** None in a page. */
export function replicaModulePath(): string | null {
  return null;
}

/** tsc checks that this file exports what its Node twin exports. */
const _twin: typeof import('./replica-module-path') = {replicaModulePath};
