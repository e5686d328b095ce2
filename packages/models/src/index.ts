export {createSparseDecoder, createLinearEncoder, composeAutoencoder} from './simulated-models';
export type {SparseDecoderOptions, LinearEncoderOptions} from './simulated-models';
export {createMnistDecoder, createMnistEncoder, createCifarDecoder, createCifarEncoder} from './image-models';
export type {MnistModelOptions, CifarModelOptions, CifarVariant} from './image-models';
export {createLinear, createConv2d, createConvTranspose2d, createBatchNorm, createSequential} from './layers';
export type {Layer, ConvOptions} from './layers';
export {uniformInit, variableFrom} from './model';
export type {Model, ApplyOptions} from './model';
export {BadModelConfigError} from './model-errors';
