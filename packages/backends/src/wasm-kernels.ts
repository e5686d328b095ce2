/**
 * Kernels the wasm backend lacks, registered for it by `useBackend('wasm')`.
 * (Filled in by the kernels work: Conv2DBackpropFilter, UnsortedSegmentSum.)
 */
export function registerWasmKernels(): void {
  // placeholder until the kernels land
}
