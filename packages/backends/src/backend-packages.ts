// How useBackend reaches backend packages, gradients and the environment in Node. Bundlers for
// the browser use backend-packages.browser.ts instead (package.json's "browser" field maps one
// file to the other): no require, no process, no tfjs-layers there.

import {existsSync} from 'node:fs';
import {join} from 'node:path';
import {MissingBackendError} from './backend-errors';

/** Which of the two files this is. */
export const platform: 'node' | 'browser' = 'node';

/** Whether an npm package can be found from here (it is not loaded). */
export function isPackageAvailable(packageName: string): boolean {
  try {
    require.resolve(packageName);
    return true;
  } catch {
    return false;
  }
}

/** Loads a backend's package, which registers its backend with tfjs; resolves to the module. */
export async function loadPackage(packageName: string): Promise<object> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(packageName) as object;
}

/**
 * Registers tfjs-core's gradient functions. tfjs-core's Node bundle registers none (`minimize`
 * fails with "gradient function not found for Mean"), and its ESM gradient module cannot be
 * loaded by Node's resolver (extensionless imports). tfjs-layers' Node bundle carries the same
 * gradient registry (tfjs-core 4.22.0's `register_all_gradients`) and registers it into the
 * shared global registry when loaded, so we load it here, when asked — never on import.
 */
export async function loadGradients(): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('@tensorflow/tfjs-layers');
}

/** What `startWebGpu` needs of a WebGPU entry point (`navigator.gpu`, or Dawn's in Node). */
export interface GpuLike {
  requestAdapter(options?: {powerPreference?: 'high-performance' | 'low-power'}): Promise<unknown>;
}

/** Dawn's Node binding, the `webgpu` package. */
interface DawnBinding {
  create(options: string[]): GpuLike;
  readonly globals: Record<string, unknown>;
}

/**
 * The GPU in Node: Dawn's binding (the optional peer `webgpu`, whose binaries ship in its npm
 * package), with what tfjs's WebGPU backend reads of a browser's globals: the WebGPU constants
 * (`GPUBufferUsage`, …) and `navigator.gpu` (Node 20 has no navigator; 21 and later have one
 * without gpu).
 */
export async function loadGpu(): Promise<GpuLike> {
  const scope = globalThis as Record<string, unknown>;
  const given = (scope.navigator as {gpu?: GpuLike} | undefined)?.gpu;
  if (given !== undefined) return given; // a second call, or a runtime with WebGPU of its own
  if (!isPackageAvailable('webgpu')) {
    throw new MissingBackendError("useBackend: backend 'webgpu' needs the package webgpu (Dawn's WebGPU for Node; " +
      'its binaries ship in the npm package), which is not installed; run `npm i webgpu@^0.6.2`, or choose another backend');
  }
  let binding: DawnBinding;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    binding = require('webgpu') as DawnBinding;
  } catch (err) {
    const code = (err as {code?: string}).code;
    if (code === 'ERR_REQUIRE_ESM') {
      throw new MissingBackendError(`useBackend: backend 'webgpu' needs Node.js 20.19+ or 22.12+ to load the webgpu ` +
        `package (an ES module); this is ${process.version}`);
    }
    if (code === 'MODULE_NOT_FOUND') {
      // The package is there, its binary for this platform is not (it ships Linux, macOS and Windows builds).
      throw new MissingBackendError(`useBackend: backend 'webgpu': the webgpu package has no Dawn build for ` +
        `${process.platform}-${process.arch} (${(err as Error).message.split('\n')[0]})`);
    }
    throw new MissingBackendError(`useBackend: backend 'webgpu' could not load the webgpu package: ${(err as Error).message}`);
  }
  for (const [name, value] of Object.entries(binding.globals)) if (!(name in scope)) scope[name] = value;
  const gpu = binding.create([]);
  if (scope.navigator === undefined) scope.navigator = {};
  const navigator = scope.navigator as {gpu?: GpuLike};
  if (navigator.gpu === undefined) Object.defineProperty(navigator, 'gpu', {value: gpu, configurable: true, enumerable: true});
  return navigator.gpu!;
}

/** The folders where the dynamic linker looks for a library by default, on Linux. */
const LIBRARY_DIRS = ['/lib', '/lib64', '/usr/lib', '/usr/lib64', '/usr/local/lib',
  `/lib/${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}-linux-gnu`, `/usr/lib/${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}-linux-gnu`];

/**
 * Why Dawn found no adapter, as far as Node can tell, with the fix. `libraryDirs`: where to look
 * for the Vulkan loader (default: LD_LIBRARY_PATH's folders, then the linker's own).
 */
export function explainNoAdapter(libraryDirs?: readonly string[]): string {
  if (process.platform === 'linux') {
    const dirs = libraryDirs ?? [...(process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean), ...LIBRARY_DIRS];
    if (!dirs.some((dir) => existsSync(join(dir, 'libvulkan.so.1')))) {
      return 'the Vulkan loader libvulkan.so.1 is not installed (Debian/Ubuntu: apt-get install libvulkan1)';
    }
    return "Vulkan has no driver for a GPU here: install your GPU's Vulkan driver (NVIDIA's driver, or Mesa's " +
      'mesa-vulkan-drivers for AMD and Intel), or a software one for tests (the @encoderless/backends README says how)';
  }
  return 'no GPU that Metal (macOS) or Direct3D 12 (Windows) can use';
}

/** Where `ENCODERLESS_BACKEND` is read from by default. */
export function environment(): Record<string, string | undefined> {
  return process.env;
}
