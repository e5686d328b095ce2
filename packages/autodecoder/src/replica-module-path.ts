import {join} from 'node:path';

// replica-module-path.browser.ts is this file's twin for pages (package.json's "browser" field).

/**
 * The compiled module a worker thread of `fitAutoDecoder({threads})` requires for
 * `createAutoDecoderReplica` (from the TypeScript sources, under jest, the build's).
 */
export function replicaModulePath(): string | null {
  return __filename.endsWith('.ts') ? join(__dirname, '..', 'dist', 'auto-decoder-replica.js') : join(__dirname, 'auto-decoder-replica.js');
}
