import * as tf from '@tensorflow/tfjs-core';
import {MissingBackendError} from './backend-errors';
import {explainNoAdapter, loadGpu, type GpuLike} from './backend-packages';
import {registerWebGpuKernels} from './webgpu-kernels';
import {keepDataDuringReads} from './webgpu-reads';

/** The GPU a WebGPU backend runs on, as its adapter describes itself. */
export interface GpuAdapterInfo {
  /** e.g. 'nvidia', 'amd', 'intel', 'apple', 'mesa'. Empty when the browser withholds it. */
  readonly vendor: string;
  /** e.g. 'hopper', 'rdna-3', 'gen-12lp'; 'software' for a CPU-emulated GPU. */
  readonly architecture: string;
  /** The device, e.g. 'llvmpipe-llvm-15-0-6-256-bits-'. */
  readonly device: string;
  /** The driver's own words, e.g. 'llvmpipe: Mesa 25.0.7 (LLVM 15.0.6)', 'NVIDIA: 550.54.15'. */
  readonly description: string;
  /** A software rasteriser (lavapipe/llvmpipe, SwiftShader, WARP): correct, and slower than wasm. */
  readonly software: boolean;
}

/** Options for `startWebGpu`. */
export interface StartWebGpuOptions {
  /** Refuse a software adapter (what `auto` does: wasm is faster than a CPU-emulated GPU). */
  readonly hardwareOnly?: boolean;
}

/** tfjs-backend-webgpu's exports that starting it needs. */
interface WebGpuModule {
  readonly WebGPUBackend: new (device: unknown, adapterInfo?: unknown) => tf.KernelBackend;
}

interface AdapterLike {
  readonly info?: Record<string, unknown>;
  readonly features: {has(name: string): boolean};
  readonly limits: Record<string, number>;
  requestDevice(descriptor: object): Promise<unknown>;
}

/** Where a started backend keeps the description of its adapter. */
const ADAPTER = Symbol.for('@encoderless/backends: webgpu adapter');

/** One line naming the adapter: `nvidia hopper (NVIDIA: 550.54.15)`. */
export function describeAdapter(info: GpuAdapterInfo): string {
  const name = [info.vendor, info.architecture].filter(Boolean).join(' ') || info.device || 'unknown GPU';
  return info.description ? `${name} (${info.description})` : name;
}

function adapterInfo(info: Record<string, unknown> | undefined): GpuAdapterInfo {
  const text = (key: string) => (typeof info?.[key] === 'string' ? info[key] as string : '');
  const [vendor, architecture, device, description] = ['vendor', 'architecture', 'device', 'description'].map(text);
  const software = info?.isFallbackAdapter === true || architecture === 'software' ||
    /llvmpipe|lavapipe|swiftshader|microsoft basic render/i.test(`${device} ${description}`);
  return {vendor, architecture, device, description, software};
}

/** The limits tfjs's own factory asks for: the adapter's, so that big tensors fit one binding. */
const REQUIRED_LIMITS = [
  'maxComputeWorkgroupStorageSize', 'maxComputeWorkgroupsPerDimension', 'maxStorageBufferBindingSize', 'maxBufferSize',
  'maxComputeWorkgroupSizeX', 'maxComputeInvocationsPerWorkgroup',
];

/**
 * The adapter of the WebGPU backend tfjs holds started, if any (undefined if none). One that tfjs
 * started itself (its package registers a factory wherever navigator.gpu exists, and the first
 * op starts it) gets what ours get: the read-keeping wrapper, and the adapter noted on it.
 */
function adoptStarted(): GpuAdapterInfo | undefined {
  const registry = (tf.engine() as unknown as {registry: Record<string, unknown>}).registry;
  const backend = registry.webgpu as (tf.KernelBackend & {[ADAPTER]?: GpuAdapterInfo; adapterInfo?: Record<string, unknown>}) | undefined;
  if (backend === undefined) return undefined;
  if (backend[ADAPTER] === undefined) {
    keepDataDuringReads(backend);
    backend[ADAPTER] = adapterInfo(backend.adapterInfo);
  }
  return backend[ADAPTER];
}

/**
 * Start tfjs's WebGPU backend on the best adapter of this machine and register it as 'webgpu'
 * (it is not switched to: `useBackend` does that). `loadModule` gives tfjs-backend-webgpu; it is
 * called once an adapter is found. In Node the GPU comes from Dawn's binding,
 * the `webgpu` package; in a page, from `navigator.gpu`. Our kernel corrections are registered
 * (`registerWebGpuKernels`), and each backend it makes keeps a tensor's data until its pending
 * reads end (`keepDataDuringReads`). A second call returns the adapter of the backend already started.
 * Throws `MissingBackendError`, in one line, naming what is missing: the package, the Vulkan
 * loader, or any adapter at all.
 */
export async function startWebGpu(loadModule: () => Promise<object | undefined>, options: StartWebGpuOptions = {}): Promise<GpuAdapterInfo> {
  const started = adoptStarted();
  if (started !== undefined) {
    registerWebGpuKernels(); // kernels are per backend name: a backend tfjs started gets them too
    return refuseSoftware(started, options);
  }
  const gpu: GpuLike = await loadGpu();
  // tfjs's flag for laptops with two GPUs, honoured as its own factory does.
  const powerPreference = lowPowerAsked() ? 'low-power' : 'high-performance';
  const adapter = await gpu.requestAdapter({powerPreference}) as AdapterLike | null;
  if (adapter === null) throw new MissingBackendError(`useBackend: backend 'webgpu' found no GPU adapter: ${explainNoAdapter()}`);
  const info = refuseSoftware(adapterInfo(adapter.info), options);
  // The backend's package only now: a page without an adapter (auto on wasm) never fetches it.
  const {WebGPUBackend} = (await loadModule() ?? {}) as Partial<WebGpuModule>;
  if (typeof WebGPUBackend !== 'function') {
    throw new MissingBackendError('useBackend: the module given for webgpu has no WebGPUBackend; pass @tensorflow/tfjs-backend-webgpu');
  }
  const requiredLimits = Object.fromEntries(REQUIRED_LIMITS.filter((k) => k in adapter.limits).map((k) => [k, adapter.limits[k]]));
  // The features tfjs's own factory asks for: timings (tf.profile) and a storage-writable BGRA canvas.
  const requiredFeatures = ['timestamp-query', 'bgra8unorm-storage'].filter((f) => adapter.features.has(f));
  const device = await adapter.requestDevice({requiredFeatures, requiredLimits});
  // tfjs's package registers a factory of its own when it is imported where navigator.gpu
  // exists; ours replaces it (it asks for an adapter again and keeps no description of it).
  if (tf.findBackendFactory('webgpu') != null) tf.removeBackend('webgpu');
  tf.registerBackend('webgpu', () => {
    const backend = new WebGPUBackend(device, adapter.info) as tf.KernelBackend & {[ADAPTER]?: GpuAdapterInfo};
    backend[ADAPTER] = info;
    keepDataDuringReads(backend);
    return backend;
  }, 3);
  registerWebGpuKernels();
  return info;
}

/** tfjs's WEBGPU_USE_LOW_POWER_GPU flag (registered by its webgpu package; false where it is not). */
function lowPowerAsked(): boolean {
  try {
    return tf.env().getBool('WEBGPU_USE_LOW_POWER_GPU');
  } catch {
    return false;
  }
}

function refuseSoftware(info: GpuAdapterInfo, options: StartWebGpuOptions): GpuAdapterInfo {
  if (options.hardwareOnly && info.software) {
    throw new MissingBackendError(
      `useBackend: backend 'webgpu' has only a software adapter, ${describeAdapter(info)}, which is slower than wasm; ` +
      "choose 'webgpu' by name to use it anyway");
  }
  return info;
}
