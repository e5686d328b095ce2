import * as tf from '@tensorflow/tfjs-core';
import {MissingBackendError, UnknownBackendError} from './backend-errors';
import {registerWasmKernels} from './wasm-kernels';

/** The backends encoderless knows, by the name users type. */
export const BACKEND_NAMES = ['wasm', 'cpu', 'node', 'node-gpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];
/** A backend name, or `auto` for the fastest one installed. */
export type BackendChoice = BackendName | 'auto';

/** The fastest first: what `auto` tries, in order. */
const AUTO_ORDER: readonly BackendName[] = ['node-gpu', 'node', 'wasm', 'cpu'];

/** The environment variable that picks the backend when no name is given. */
export const BACKEND_ENV_VAR = 'ENCODERLESS_BACKEND';

interface BackendPackage {
  /** npm package that provides it. */
  readonly packageName: string;
  /** The name tfjs registers it under. */
  readonly tfjsName: string;
}

const PACKAGES: Record<BackendName, BackendPackage> = {
  wasm: {packageName: '@tensorflow/tfjs-backend-wasm', tfjsName: 'wasm'},
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
}

/**
 * Parse a backend choice as typed by a user (option, environment variable or CLI flag).
 * `undefined` falls back to `ENCODERLESS_BACKEND`, then to `wasm`.
 *
 * ```ts
 * parseBackendChoice('node-gpu'); // 'node-gpu'
 * parseBackendChoice('gpu');      // throws UnknownBackendError
 * ```
 */
export function parseBackendChoice(
  choice: string | undefined,
  env: Record<string, string | undefined> = process.env,
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

/** Whether the package behind a backend can be found from here (it is not loaded). */
export function isBackendInstalled(name: BackendName): boolean {
  try {
    require.resolve(PACKAGES[name].packageName);
    return true;
  } catch {
    return false;
  }
}

/** The backends whose packages are installed, fastest first. */
export function installedBackends(): BackendName[] {
  return AUTO_ORDER.filter(isBackendInstalled);
}

let gradientsRegistered = false;

/**
 * tfjs-core's Node bundle registers no gradient functions (`minimize` fails with "gradient
 * function not found for Mean"), and its ESM gradient module cannot be loaded by Node's
 * resolver. tfjs-layers' Node bundle carries the same gradient registry (tfjs-core 4.22.0's
 * `register_all_gradients`) and registers it into the shared global registry when loaded, so
 * we load it here, once, explicitly — never on import.
 */
export function registerGradients(): void {
  if (gradientsRegistered || tf.getGradient('Mean') !== undefined) {
    gradientsRegistered = true;
    return;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('@tensorflow/tfjs-layers');
  gradientsRegistered = true;
}

function loadBackendPackage(name: BackendName): void {
  const {packageName} = PACKAGES[name];
  if (!isBackendInstalled(name)) {
    const why = name === 'node' || name === 'node-gpu'
      ? ' (its install downloads native TensorFlow binaries, so it needs network access; the wasm backend needs none)'
      : '';
    throw new MissingBackendError(
      `useBackend: backend '${name}' needs the package ${packageName}, which is not installed; ` +
      `run \`npm i ${packageName}@${tf.version_core}\`${why}, or choose another backend`);
  }
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(packageName);
  } catch (err) {
    throw new MissingBackendError(
      `useBackend: backend '${name}' could not load ${packageName}: ${(err as Error).message}`);
  }
}

/** Options for `useBackend`. */
export interface UseBackendOptions {
  /** Environment to read `ENCODERLESS_BACKEND` from. Default: `process.env`. */
  readonly env?: Record<string, string | undefined>;
}

/**
 * Switch TensorFlow.js to a backend and make it train: loads the backend's package, registers
 * the gradient functions, and on wasm the kernels it lacks (Conv2DBackpropFilter,
 * UnsortedSegmentSum) and faster ones for those too slow to train with (`registerWasmKernels`).
 * Nothing happens on import; call this once before building models.
 *
 * Default: `ENCODERLESS_BACKEND`, else `wasm`. `auto` picks the fastest installed
 * (node-gpu, node, wasm, cpu).
 *
 * ```ts
 * const info = await useBackend('wasm');
 * console.log(info.name); // 'wasm'
 * ```
 */
export async function useBackend(choice?: string, options: UseBackendOptions = {}): Promise<BackendInfo> {
  const parsed = parseBackendChoice(choice, options.env);
  const candidates = parsed === 'auto' ? installedBackends() : [parsed];
  let lastError: Error | undefined;
  for (const name of candidates) {
    try {
      return await switchTo(name);
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

async function switchTo(name: BackendName): Promise<BackendInfo> {
  const pkg = PACKAGES[name];
  loadBackendPackage(name);
  registerGradients();
  if (name === 'wasm') registerWasmKernels();
  const ok = await tf.setBackend(pkg.tfjsName);
  if (!ok) {
    throw new MissingBackendError(
      `useBackend: backend '${name}' (${pkg.packageName}) failed to initialise; try another backend`);
  }
  await tf.ready();
  silenceCpuBanner();
  const info: BackendInfo = {name, tfjsName: pkg.tfjsName, packageName: pkg.packageName};
  if (name === 'wasm') return {...info, simd: tf.env().getBool('WASM_HAS_SIMD_SUPPORT')};
  return info;
}
