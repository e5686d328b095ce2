export {
  expectArraysClose,
  numericGradient,
  expectNoLeaks,
  expectNoLeaksAsync,
  describeEachBackend,
  testBackendNames,
  makeSeededTensor,
  webGpuAbsentReason,
} from './test-utils';
export type {CloseOptions, SeededTensorOptions, TestBackends} from './test-utils';
