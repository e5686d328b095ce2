import * as tf from '@tensorflow/tfjs-core';
import * as wasm from '@tensorflow/tfjs-backend-wasm';
import {useBackend} from '@encoderless/backends';
// The three builds of the wasm backend, emitted by Vite as hashed files beside the bundle; the
// backend fetches the one this browser can run.
import plainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

/** What the page runs on, as the status line says it. */
export interface BackendReport {
  /** `wasm`. */
  readonly name: string;
  /** Which of the three builds runs. */
  readonly build: 'threaded-simd' | 'simd' | 'plain';
  /** XNNPACK's threads (1 unless the threaded build runs). */
  readonly threads: number;
  /** Whether the page is cross-origin isolated (COOP/COEP headers), which threads need. */
  readonly isolated: boolean;
}

/**
 * Starts tfjs on wasm through `useBackend` (gradients, the kernels training needs), passing the
 * backend module the page imported, so it can also read (and set) the thread count. Where the
 * threaded build runs, tfjs-backend-wasm 4.22 uses half of `navigator.hardwareConcurrency`
 * threads (it assumes two hardware threads per core), at most 8, and `threads` can only lower
 * that: 4 threads on an 8-thread laptop, 1 on a machine that reports 2.
 */
export async function startBackend(threads?: number): Promise<BackendReport> {
  if (threads !== undefined) wasm.setThreadsCount(threads);
  const info = await useBackend('wasm', {
    module: wasm,
    wasmPaths: {'tfjs-backend-wasm.wasm': plainUrl, 'tfjs-backend-wasm-simd.wasm': simdUrl, 'tfjs-backend-wasm-threaded-simd.wasm': threadedUrl},
  });
  const threaded = info.simd === true && await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT') === true;
  return {
    name: info.name,
    build: threaded ? 'threaded-simd' : info.simd ? 'simd' : 'plain',
    threads: wasm.getThreadsCount(),
    isolated: globalThis.crossOriginIsolated === true,
  };
}

/** One line for the page: which build, how many threads, and why. */
export function describeBackend(b: BackendReport): string {
  const build = b.build === 'threaded-simd' ? `multi-threaded SIMD build, ${b.threads} thread${b.threads === 1 ? '' : 's'}` : b.build === 'simd' ? 'SIMD build, 1 thread' : 'plain build, 1 thread';
  const why = b.isolated
    ? 'the page is cross-origin isolated'
    : 'not cross-origin isolated: serve the page with the COOP/COEP headers for threads';
  return `TensorFlow.js on WebAssembly (${build}); ${why}`;
}
