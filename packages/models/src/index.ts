export {createSparseDecoder, createLinearEncoder, composeAutoencoder} from './simulated-models';
export type {SparseDecoderOptions, LinearEncoderOptions} from './simulated-models';
export {uniformInit, variableFrom} from './model';
export type {Model, ApplyOptions} from './model';
export {BadModelConfigError} from './model-errors';
