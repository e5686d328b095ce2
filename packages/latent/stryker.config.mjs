import {strykerConfig} from '../../tooling/mutation/stryker.base.mjs';

// data-parallel-worker.ts runs only inside worker threads, from the compiled dist/: Stryker's
// switched mutants are chosen in the test's own thread and never reach it, so its mutants could
// not be killed by any test (they are tested through dist/ all the same, by data-parallel.test.ts).
export default strykerConfig({
  name: 'latent',
  mutate: ['src/**/*.ts', '!src/**/*.test.ts', '!src/index.ts', '!src/node.ts', '!src/data-parallel-worker.ts', '!src/testing/**'],
});
