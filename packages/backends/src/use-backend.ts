import * as tf from '@tensorflow/tfjs-core';
import type {setWasmPaths} from '@tensorflow/tfjs-backend-wasm';
import {BadConfigError, describe} from '@encoderless/errors';
import {MissingBackendError, UnknownBackendError} from './backend-errors';
import {environment, isPackageAvailable, loadGpu, loadGradients, loadPackage, platform} from './backend-packages';
import {describeAdapter, startWebGpu, type GpuAdapterInfo} from './start-webgpu';
import {registerWasmKernels} from './wasm-kernels';

/** The backends encoderless knows, by the name users type. */
export const BACKEND_NAMES = ['wasm', 'webgpu', 'cpu', 'node', 'node-gpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];
/** A backend name, or `auto` for the fastest one installed. */
export type BackendChoice = BackendName | 'auto';

/**
 * The fastest first: what `auto` tries, in order. `auto` takes webgpu only on a hardware
 * adapter: a software one (lavapipe, SwiftShader) is slower than wasm.
 */
const AUTO_ORDER: readonly BackendName[] = ['node-gpu', 'node', 'webgpu', 'wasm', 'cpu'];

/** The environment variable that picks the backend when no name is given. */
export const BACKEND_ENV_VAR = 'ENCODERLESS_BACKEND';

interface BackendPackage {
  /** npm package that provides it. */
  readonly packageName: string;
  /** The name tfjs registers it under. */
  readonly tfjsName: string;
  /** In Node, a package it needs beside its own: webgpu's GPU (Dawn's binding). */
  readonly nodeNeeds?: string;
}

const PACKAGES: Record<BackendName, BackendPackage> = {
  wasm: {packageName: '@tensorflow/tfjs-backend-wasm', tfjsName: 'wasm'},
  webgpu: {packageName: '@tensorflow/tfjs-backend-webgpu', tfjsName: 'webgpu', nodeNeeds: 'webgpu'},
  cpu: {packageName: '@tensorflow/tfjs-backend-cpu', tfjsName: 'cpu'},
  node: {packageName: '@tensorflow/tfjs-node', tfjsName: 'tensorflow'},
  'node-gpu': {packageName: '@tensorflow/tfjs-node-gpu', tfjsName: 'tensorflow'},
};

/** What `useBackend` switched to. */
export interface BackendInfo {
  /** Our name for it. */
  readonly name: BackendName;
  /** The name tfjs knows it by (`tf.getBackend()`). */
  readonly tfjsName: string;
  /** The npm package it comes from. */
  readonly packageName: string;
  /** wasm only: whether the SIMD build runs. */
  readonly simd?: boolean;
  /** webgpu only: the GPU it runs on. */
  readonly adapter?: GpuAdapterInfo;
}

/**
 * Parse a backend choice as typed by a user (option, environment variable or CLI flag).
 * `undefined` falls back to `ENCODERLESS_BACKEND` (in Node; a browser has no environment), then
 * to `wasm`.
 *
 * ```ts
 * parseBackendChoice('node-gpu'); // 'node-gpu'
 * parseBackendChoice('gpu');      // throws UnknownBackendError
 * ```
 */
export function parseBackendChoice(
  choice: string | undefined,
  env: Record<string, string | undefined> = environment(),
): BackendChoice {
  const raw = choice ?? env[BACKEND_ENV_VAR] ?? 'wasm';
  const name = raw.trim().toLowerCase();
  if (name === 'auto' || (BACKEND_NAMES as readonly string[]).includes(name)) {
    return name as BackendChoice;
  }
  const from = choice === undefined ? ` (from ${BACKEND_ENV_VAR})` : '';
  throw new UnknownBackendError(
    `useBackend: unknown backend '${raw}'${from}; expected one of auto, ${BACKEND_NAMES.join(', ')}`);
}

/**
 * Our name of the backend tfjs registered as `tfjsName` (`tf.getBackend()`), or undefined for
 * one encoderless does not know: what a worker thread passes to `useBackend` to run on the
 * calling thread's backend. tfjs-node and tfjs-node-gpu both register 'tensorflow': 'node'.
 *
 * ```ts
 * backendNameOf('tensorflow'); // 'node'
 * backendNameOf('webgl');      // undefined
 * ```
 */
export function backendNameOf(tfjsName: string): BackendName | undefined {
  return BACKEND_NAMES.find((name) => PACKAGES[name].tfjsName === tfjsName);
}

/**
 * Whether the packages behind a backend can be found from here (nothing is loaded, and whether a
 * GPU is there is not asked). In a browser bundle: true for the backends it bundles.
 */
export function isBackendInstalled(name: BackendName): boolean {
  const {packageName, nodeNeeds} = PACKAGES[name];
  return isPackageAvailable(packageName) && (platform === 'browser' || nodeNeeds === undefined || isPackageAvailable(nodeNeeds));
}

/** The backends whose packages are installed, fastest first. */
export function installedBackends(): BackendName[] {
  return AUTO_ORDER.filter(isBackendInstalled);
}

/**
 * Registers tfjs-core's gradient functions, once (a second call changes nothing). tfjs-core's
 * Node bundle registers none, so `minimize` and `tf.grad` fail with "gradient function not
 * found" without this. In Node it loads tfjs-layers' bundle, which registers tfjs-core's
 * gradient set; in a browser bundle, tfjs-core's own gradient module (so the bundle carries no
 * tfjs-layers). Called by `useBackend`; nothing is registered on import.
 */
export async function registerGradients(): Promise<void> {
  if (tf.getGradient('Mean') !== undefined) return;
  await loadGradients();
}

/**
 * Loads a backend's package, which registers the backend with tfjs. In a browser bundle only
 * wasm is loaded this way; another backend must be imported by the page (`options.module`, or
 * an import of its package, which registers it) — resolves to undefined then.
 */
async function loadBackendPackage(name: BackendName): Promise<object | undefined> {
  const {packageName, tfjsName, nodeNeeds} = PACKAGES[name];
  if (!isBackendInstalled(name)) {
    if (platform === 'browser') {
      if (tf.findBackendFactory(tfjsName) != null) return undefined; // null when absent
      throw new MissingBackendError(name === 'cpu'
        ? "useBackend: backend 'cpu' is not in this browser bundle (only wasm and webgpu are, by default); import it and " +
          "pass it: useBackend('cpu', {module: await import('@tensorflow/tfjs-backend-cpu')})"
        : `useBackend: backend '${name}' (${packageName}) runs only in Node.js; in a browser, choose wasm, webgpu or cpu`);
    }
    if (nodeNeeds !== undefined && isPackageAvailable(packageName)) await loadGpu(); // throws, naming nodeNeeds
    const why = name === 'node' || name === 'node-gpu'
      ? ' (its install downloads native TensorFlow binaries, which fails offline and, for tfjs 4.x, online too: ' +
        'the download answers 403; webgpu is the GPU backend that installs from npm alone)'
      : '';
    throw new MissingBackendError(
      `useBackend: backend '${name}' needs the package ${packageName}, which is not installed; ` +
      `run \`npm i ${packageName}@${tf.version_core}\`${why}, or choose another backend`);
  }
  try {
    return await loadPackage(packageName);
  } catch (err) {
    throw new MissingBackendError(
      `useBackend: backend '${name}' could not load ${packageName}: ${(err as Error).message}`);
  }
}

/**
 * One line naming what `useBackend` started, for logs and reports: `wasm (SIMD)`, `cpu`,
 * `webgpu on nvidia hopper (NVIDIA: 550.54.15)`.
 */
export function describeBackend(info: BackendInfo): string {
  if (info.simd !== undefined) return `${info.name} (${info.simd ? 'SIMD' : 'no SIMD'})`;
  if (info.adapter !== undefined) return `${info.name} on ${describeAdapter(info.adapter)}`;
  return info.name;
}

/** Where the wasm backend finds its `.wasm` files: a URL prefix ending in `/`, or one URL per file. */
export type WasmPaths = Parameters<typeof setWasmPaths>[0];

/** Options for `useBackend`. */
export interface UseBackendOptions {
  /** Environment to read `ENCODERLESS_BACKEND` from. Default: `process.env` in Node, none in a browser. */
  readonly env?: Record<string, string | undefined>;
  /**
   * The backend's package, imported by you (`await import('@tensorflow/tfjs-backend-cpu')`):
   * then `useBackend` loads nothing itself. Default: `useBackend` loads it (`require` in Node;
   * in a browser bundle wasm or webgpu, through a dynamic import the bundler resolves, so that a
   * page carries no backend it does not use).
   */
  readonly module?: object;
  /**
   * wasm only: where the wasm backend fetches `tfjs-backend-wasm.wasm`,
   * `tfjs-backend-wasm-simd.wasm` and `tfjs-backend-wasm-threaded-simd.wasm` (all three are in
   * `@tensorflow/tfjs-backend-wasm/dist/`): a URL prefix ending in `/`, e.g. `'/wasm/'`, or a
   * map from each file name to its URL. Passed to the package's `setWasmPaths` before the
   * backend starts, so it counts only on the first switch to wasm. Default: next to the script
   * that loaded the package (in Node: the package's own folder).
   */
  readonly wasmPaths?: WasmPaths;
}

/**
 * Switch TensorFlow.js to a backend and make it train: loads the backend's package, registers
 * the gradient functions, and on wasm the kernels it lacks (Conv2DBackpropFilter,
 * UnsortedSegmentSum) and faster ones for those too slow to train with (`registerWasmKernels`).
 * On webgpu it starts the GPU (`navigator.gpu` in a page; in Node Dawn's binding, the optional
 * package `webgpu`), names its adapter in `info.adapter`, and registers our corrections of its
 * kernels (`registerWebGpuKernels`). Nothing happens on import; call this once before building
 * models.
 *
 * Default: `ENCODERLESS_BACKEND`, else `wasm`. `auto` picks the fastest that works here
 * (node-gpu, node, webgpu on a hardware GPU, wasm, cpu). In a browser: wasm, with `wasmPaths`
 * (where the page serves the `.wasm` files), or webgpu; cpu if the page imports it and passes it
 * as `module`.
 *
 * webgpu reads tensors only asynchronously (`await t.data()`): `dataSync` throws in Node.
 *
 * ```ts
 * const info = await useBackend('wasm');
 * console.log(info.name); // 'wasm'
 * await useBackend('wasm', {wasmPaths: '/wasm/'}); // in a browser
 * ```
 */
export async function useBackend(choice?: string, options: UseBackendOptions = {}): Promise<BackendInfo> {
  const parsed = parseBackendChoice(choice, options.env);
  const candidates = parsed === 'auto' ? installedBackends() : [parsed];
  let lastError: Error | undefined;
  for (const name of candidates) {
    try {
      return await switchTo(name, options, parsed === 'auto');
    } catch (err) {
      if (parsed !== 'auto') throw err;
      lastError = err as Error;
    }
  }
  throw new MissingBackendError(
    `useBackend: 'auto' found no working backend among ${AUTO_ORDER.join(', ')}` +
    (lastError ? `; last error: ${lastError.message}` : ''));
}

/**
 * tfjs-backend-cpu prints a banner on its first tensor in Node ("looks like you are running
 * TensorFlow.js in Node.js … install our node backend"). Backends here are chosen explicitly
 * and every command says which one runs, so the banner is noise on stdout: mark every started
 * backend as already used. (`firstUse` is the cpu backend's own flag in tfjs 4.22.)
 */
function silenceCpuBanner(): void {
  const registry = (tf.engine() as unknown as {registry: Record<string, {firstUse?: boolean}>}).registry;
  for (const backend of Object.values(registry)) {
    if (backend.firstUse === true) backend.firstUse = false;
  }
}

async function switchTo(name: BackendName, options: UseBackendOptions, auto: boolean): Promise<BackendInfo> {
  const pkg = PACKAGES[name];
  // webgpu loads its package once it has found an adapter (startWebGpu).
  const load = async () => options.module ?? await loadBackendPackage(name);
  const module = name === 'webgpu' ? undefined : await load();
  await registerGradients();
  if (name === 'wasm') {
    if (options.wasmPaths !== undefined) setPaths(module ?? {}, options.wasmPaths);
    registerWasmKernels();
  }
  const adapter = name === 'webgpu' ? await startWebGpu(load, {hardwareOnly: auto}) : undefined;
  const previous = tf.getBackend();
  const ok = await tf.setBackend(pkg.tfjsName);
  if (!ok) {
    // tfjs has already taken the failed backend's name, and its next op would start whichever
    // registered backend it ranks best: go back to the one that ran before.
    if (previous !== undefined && previous !== pkg.tfjsName) await tf.setBackend(previous);
    throw new MissingBackendError(
      `useBackend: backend '${name}' (${pkg.packageName}) failed to initialise; try another backend`);
  }
  await tf.ready();
  silenceCpuBanner();
  const info: BackendInfo = {name, tfjsName: pkg.tfjsName, packageName: pkg.packageName};
  if (name === 'wasm') return {...info, simd: tf.env().getBool('WASM_HAS_SIMD_SUPPORT')};
  if (adapter !== undefined) return {...info, adapter};
  return info;
}

function setPaths(module: object, paths: WasmPaths): void {
  const set = (module as {setWasmPaths?: unknown}).setWasmPaths;
  if (typeof set !== 'function') {
    throw new BadConfigError(
      `useBackend: options.wasmPaths needs the wasm backend's setWasmPaths, but options.module has none ` +
      `(got ${describe(module)}); pass the module of @tensorflow/tfjs-backend-wasm`, {option: 'module'});
  }
  try {
    (set as typeof setWasmPaths)(paths);
  } catch (err) {
    throw new BadConfigError(`useBackend: options.wasmPaths: ${(err as Error).message}`, {option: 'wasmPaths'});
  }
}
