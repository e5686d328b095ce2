export {
  expectArraysClose,
  numericGradient,
  expectNoLeaks,
  expectNoLeaksAsync,
  describeEachBackend,
  testBackendNames,
} from './test-utils';
export type {CloseOptions} from './test-utils';
