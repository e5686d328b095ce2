// Shared jest setup: TypeScript through ts-jest (transpile only; `typecheck` does the types),
// tests beside their sources, and the slow tag kept out of the default run.
const slow = process.env.ENCODERLESS_SLOW_TESTS === '1';

// On a software GPU (Mesa's lavapipe) LLVM compiles each of tfjs's webgpu shaders, about 1 s
// apiece with its optimisation passes and a sixth of that without; tests run small shapes, so
// they compile without (a GPU driver ignores this). The test workers inherit it.
process.env.GALLIVM_PERF ??= 'nopt';

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src'],
  testMatch: slow ? ['**/*.test.ts', '**/*.slow.test.ts'] : ['**/*.test.ts'],
  testPathIgnorePatterns: slow ? ['/node_modules/'] : ['/node_modules/', '\\.slow\\.test\\.ts$'],
  transform: {
    '^.+\\.ts$': ['ts-jest', {diagnostics: false}],
  },
  testTimeout: 60000,
  moduleNameMapper: {'^webgpu$': '<rootDir>/../../tooling/webgpu-for-jest.cjs'},
};
