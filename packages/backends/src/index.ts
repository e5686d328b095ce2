export {
  useBackend,
  describeBackend,
  parseBackendChoice,
  backendNameOf,
  isBackendInstalled,
  installedBackends,
  registerGradients,
  BACKEND_NAMES,
  BACKEND_ENV_VAR,
} from './use-backend';
export type {BackendName, BackendChoice, BackendInfo, UseBackendOptions, WasmPaths} from './use-backend';
export {MissingBackendError, UnknownBackendError} from './backend-errors';
export {registerWasmKernels} from './wasm-kernels';
export {registerWebGpuKernels} from './webgpu-kernels';
export {describeAdapter} from './start-webgpu';
export type {GpuAdapterInfo} from './start-webgpu';
