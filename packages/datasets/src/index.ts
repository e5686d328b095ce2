export {generateSimulated, generateSimulatedSamples} from './generate-simulated';
export type {
  SimulatedData,
  SimulatedNetwork,
  SimulatedOptions,
  SimulatedSamples,
  SimulatedSamplesOptions,
} from './generate-simulated';
export type {Matrix} from './matrix';
export {BadConfigError} from './bad-config-error';
