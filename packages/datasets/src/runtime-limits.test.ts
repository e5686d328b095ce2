import {constants} from 'node:buffer';
import {totalmem} from 'node:os';
import * as nodeLimits from './runtime-limits';
import * as browserLimits from './runtime-limits.browser';

// Bundlers swap runtime-limits.ts for runtime-limits.browser.ts (package.json "browser");
// check-browser-bundles.mjs checks that they do. Here: what each one says, and that the size
// checks built on them keep their message with the browser's values.
describe('runtime-limits', () => {
  it("Node: the buffer module's array limit and os.totalmem", () => {
    expect(nodeLimits.maxArrayLength).toBe(constants.MAX_LENGTH);
    expect(nodeLimits.machineMemory()).toBe(totalmem());
  });

  it('browser: 2^32 elements and no memory figure', () => {
    expect(browserLimits.maxArrayLength).toBe(4_294_967_296);
    expect(browserLimits.machineMemory()).toBeUndefined();
  });

  it('generateSimulated checks memory where it is known and skips the check where it is not (a browser)', () => {
    const load = (limits: typeof nodeLimits) => {
      let generate: typeof import('./generate-simulated').generateSimulated | undefined;
      jest.isolateModules(() => {
        jest.doMock('./runtime-limits', () => limits);
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        generate = (require('./generate-simulated') as typeof import('./generate-simulated')).generateSimulated;
      });
      return generate!;
    };
    const options = {samples: 10, testSamples: 2, latentDim: 3, dataDim: 8, seed: 1};
    const tinyMachine = load({maxArrayLength: browserLimits.maxArrayLength, machineMemory: () => 100});
    expect(() => tinyMachine(options)).toThrow(/^generateSimulated: these sizes need 0\.0 GB of float32 arrays .*more than this machine's 0\.0 GB of memory/);
    const {train, test} = load(browserLimits)(options);
    expect([train.x.rows, train.x.cols, test.x.rows]).toEqual([10, 8, 2]);
  });
});
