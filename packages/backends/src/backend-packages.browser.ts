// backend-packages.ts for browsers, swapped in by bundlers through package.json's "browser"
// field. Nothing here runs on import: a package is imported when useBackend asks for it. A
// bundler sees only these string literals, so it bundles the wasm and webgpu backends (each a
// chunk of its own where the bundler splits dynamic imports, as Vite does) and tfjs-core's
// gradient module, and never tfjs-layers or the Node backends. The cpu backend (another
// ~140 KB minified) is bundled only by pages that import it themselves and pass it to
// useBackend (`module`).

import {MissingBackendError} from './backend-errors';

/** Which of the two files this is. */
export const platform: 'node' | 'browser' = 'browser';

/** The backends a browser bundle loads by itself. */
const LOADERS: Readonly<Record<string, () => Promise<object>>> = {
  '@tensorflow/tfjs-backend-wasm': () => import('@tensorflow/tfjs-backend-wasm'),
  '@tensorflow/tfjs-backend-webgpu': () => import('@tensorflow/tfjs-backend-webgpu'),
};

/** In a browser, "installed" means bundled by this package: wasm and webgpu. */
export function isPackageAvailable(packageName: string): boolean {
  return packageName in LOADERS;
}

export async function loadPackage(packageName: string): Promise<object> {
  const load = LOADERS[packageName];
  if (load === undefined) throw new Error(`${packageName} is not bundled by @encoderless/backends for the browser`);
  return load();
}

/** tfjs-core's own gradient module (ES modules), which registers every gradient when loaded. */
export async function loadGradients(): Promise<void> {
  await import('@tensorflow/tfjs-core/dist/register_all_gradients');
}

/** What `startWebGpu` needs of a WebGPU entry point: here `navigator.gpu`. */
export interface GpuLike {
  requestAdapter(options?: {powerPreference?: 'high-performance' | 'low-power'}): Promise<unknown>;
}

/** The page's GPU: `navigator.gpu`, where the browser offers WebGPU. */
export async function loadGpu(): Promise<GpuLike> {
  const gpu = (globalThis as {navigator?: {gpu?: GpuLike}}).navigator?.gpu;
  if (gpu === undefined) {
    throw new MissingBackendError("useBackend: backend 'webgpu' needs a browser with WebGPU (navigator.gpu): " +
      'Chrome and Edge 113+, Safari 26, Firefox 141+; choose wasm here');
  }
  return gpu;
}

/** Why the browser gave no adapter, with the fix. */
export function explainNoAdapter(_libraryDirs?: readonly string[]): string {
  return 'the browser offers WebGPU but no GPU for it (a blocklisted GPU or driver, or WebGPU switched off); choose wasm';
}

/** A browser has no environment variables. */
export function environment(): Record<string, string | undefined> {
  return {};
}

/** tsc checks that this file exports what its Node twin exports. */
const _twin: typeof import('./backend-packages') = {platform, isPackageAvailable, loadPackage, loadGradients, environment, loadGpu, explainNoAdapter};
