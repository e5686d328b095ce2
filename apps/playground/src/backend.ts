import * as tf from '@tensorflow/tfjs-core';
import {describeAdapter, useBackend, type GpuAdapterInfo} from '@encoderless/backends';
// The three builds of the wasm backend, emitted by Vite as hashed files beside the bundle; the
// backend fetches the one this browser can run.
import plainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

/** The page on the GPU: WebGPU, on the adapter the browser gave. */
export interface WebGpuReport {
  readonly name: 'webgpu';
  readonly adapter: GpuAdapterInfo;
}

/** The page on WebAssembly: which build, and why not WebGPU. */
export interface WasmReport {
  readonly name: 'wasm';
  /** Which of the three builds runs. */
  readonly build: 'threaded-simd' | 'simd' | 'plain';
  /** XNNPACK's threads (1 unless the threaded build runs). */
  readonly threads: number;
  /** Whether the page is cross-origin isolated (COOP/COEP headers), which threads need. */
  readonly isolated: boolean;
  /** Why the page is not on WebGPU. */
  readonly noWebGpu: string;
}

/** What the page runs on, as the status line says it. */
export type BackendReport = WebGpuReport | WasmReport;

/** Options of `startBackend`, from the page's URL. */
export interface StartBackendOptions {
  /** `?backend=`: wasm or webgpu by name; default webgpu where the browser gives a hardware adapter, else wasm. */
  readonly backend?: 'wasm' | 'webgpu';
  /** `?threads=`: fewer threads for the threaded wasm build. */
  readonly threads?: number;
}

/** The part of `navigator.gpu` this page asks: whether it gives an adapter, and a hardware one. */
interface GpuLike {
  requestAdapter(): Promise<{readonly info?: {readonly isFallbackAdapter?: boolean}} | null>;
}

/**
 * Why WebGPU cannot run here, or undefined where the browser gives an adapter. Asked before
 * `useBackend('webgpu')`, whose error for a missing adapter is meant for a developer, so that
 * the page can say it in a few words.
 */
async function whyNoWebGpu(softwareToo: boolean): Promise<string | undefined> {
  const gpu = (navigator as unknown as {gpu?: GpuLike}).gpu;
  if (gpu === undefined) return 'this browser has no WebGPU';
  const adapter = await gpu.requestAdapter();
  if (adapter === null) return 'WebGPU gives this page no GPU adapter';
  // A fallback adapter is a GPU emulated on the CPU (SwiftShader): slower than wasm here, as
  // useBackend('auto') judges it too.
  if (adapter.info?.isFallbackAdapter === true && !softwareToo) return 'WebGPU gives only a software adapter, slower than wasm (?backend=webgpu uses it)';
  return undefined;
}

/**
 * Starts tfjs through `useBackend` (gradients, the kernels training needs): on WebGPU where the
 * browser gives a hardware adapter, or any adapter with `?backend=webgpu` (a software one,
 * SwiftShader or lavapipe, is slower than wasm); else on wasm. Each backend's package is
 * imported only when it is chosen, so the page fetches one of the two.
 *
 * On wasm the page passes the backend module it imported, so it can also read (and set) the
 * thread count. Where the threaded build runs, tfjs-backend-wasm 4.22 uses half of
 * `navigator.hardwareConcurrency` threads (it assumes two hardware threads per core), at most 8,
 * and `threads` can only lower that: 4 threads on an 8-thread laptop, 1 on a machine that
 * reports 2.
 */
export async function startBackend(options: StartBackendOptions = {}): Promise<BackendReport> {
  let noWebGpu = options.backend === 'wasm' ? 'the page was asked for wasm (?backend=wasm)' : await whyNoWebGpu(options.backend === 'webgpu');
  if (noWebGpu === undefined) {
    try {
      const info = await useBackend('webgpu');
      return {name: 'webgpu', adapter: info.adapter!};
    } catch (err) {
      if (options.backend === 'webgpu') throw err;
      // An adapter that gives no device, or a driver that fails: the page still runs, on wasm.
      console.warn(err);
      noWebGpu = `WebGPU did not start: ${(err as Error).message}`;
    }
  } else if (options.backend === 'webgpu') {
    throw new Error(`?backend=webgpu: ${noWebGpu}`);
  }
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  if (options.threads !== undefined) wasm.setThreadsCount(options.threads);
  const info = await useBackend('wasm', {
    module: wasm,
    wasmPaths: {'tfjs-backend-wasm.wasm': plainUrl, 'tfjs-backend-wasm-simd.wasm': simdUrl, 'tfjs-backend-wasm-threaded-simd.wasm': threadedUrl},
  });
  const threaded = info.simd === true && await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT') === true;
  return {
    name: 'wasm',
    build: threaded ? 'threaded-simd' : info.simd ? 'simd' : 'plain',
    threads: wasm.getThreadsCount(),
    isolated: globalThis.crossOriginIsolated === true,
    noWebGpu,
  };
}

/** One line for the page: which backend; on wasm which build, how many threads, and why. */
export function describeBackend(b: BackendReport): string {
  if (b.name === 'webgpu') {
    const speed = b.adapter.software ? '; a software GPU, emulated on the CPU: slower than WebAssembly' : '';
    return `TensorFlow.js on WebGPU: ${describeAdapter(b.adapter)}${speed}`;
  }
  const build = b.build === 'threaded-simd' ? `multi-threaded SIMD build, ${b.threads} thread${b.threads === 1 ? '' : 's'}` : b.build === 'simd' ? 'SIMD build, 1 thread' : 'plain build, 1 thread';
  const why = b.isolated
    ? 'the page is cross-origin isolated'
    : 'not cross-origin isolated: serve the page with the COOP/COEP headers for threads';
  return `TensorFlow.js on WebAssembly (${build}); ${why}; not on WebGPU: ${b.noWebGpu}`;
}

/** The status line's data-* attributes, which the browser test reads. */
export function backendData(b: BackendReport): Record<string, string | number> {
  return b.name === 'webgpu'
    ? {name: b.name, adapter: describeAdapter(b.adapter), vendor: b.adapter.vendor, architecture: b.adapter.architecture, software: String(b.adapter.software)}
    : {name: b.name, build: b.build, threads: b.threads, isolated: String(b.isolated)};
}
