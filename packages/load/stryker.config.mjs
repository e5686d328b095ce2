import {strykerConfig} from '../../tooling/mutation/stryker.base.mjs';

export default strykerConfig({name: 'load', mutate: ['src/**/*.ts', '!src/**/*.test.ts', '!src/index.ts']});
