// The StrykerJS settings every package's mutation run shares (`pnpm test:mutation`, see
// tooling/mutation/run-mutation.mjs). Each package's stryker.config.mjs names what to mutate.
//
// The sandbox lives two levels under the repository root (`.stryker-tmp-<package>/sandbox-…`),
// the same depth as the package itself, so the package's relative paths to tooling/ (its
// tsconfig's `extends`, its jest.config.js's preset) still resolve from the copy.
import {createRequire} from 'node:module';
import {fileURLToPath} from 'node:url';

const require = createRequire(import.meta.url);

/**
 * @param {{name: string, mutate: string[]}} o
 * @returns {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export function strykerConfig({name, mutate}) {
  return {
    packageManager: 'pnpm',
    // pnpm keeps the plugins out of core's reach: name them by path.
    plugins: ['@stryker-mutator/jest-runner', '@stryker-mutator/typescript-checker']
      .map((plugin) => fileURLToPath(import.meta.resolve(plugin))),
    testRunner: 'jest',
    jest: {projectType: 'custom', configFile: 'jest.config.js', enableFindRelatedTests: true},
    checkers: ['typescript'],
    tsconfigFile: 'tsconfig.json',
    typescriptChecker: {prioritizePerformanceOverAccuracy: true},
    coverageAnalysis: 'perTest',
    // The machine's two cores are shared: two test processes at most (MUTATION_CONCURRENCY=1 for one).
    concurrency: Number(process.env.MUTATION_CONCURRENCY ?? 2),
    // Only mutants whose code or tests changed since the last run are run again.
    incremental: process.env.MUTATION_FULL !== '1',
    incrementalFile: `../../reports/mutation/${name}-incremental.json`,
    tempDirName: `../../.stryker-tmp-${name}`,
    cleanTempDir: 'always',
    ignorePatterns: ['reports', 'coverage', '.turbo'],
    mutate,
    timeoutMS: 20_000,
    reporters: ['clear-text', 'progress-append-only', 'json', 'html'],
    jsonReporter: {fileName: `../../reports/mutation/${name}.json`},
    htmlReporter: {fileName: `../../reports/mutation/${name}.html`},
    clearTextReporter: {allowColor: false, logTests: false, reportScoreTable: true, reportMutants: true},
    thresholds: {high: 90, low: 80, break: null},
  };
}
