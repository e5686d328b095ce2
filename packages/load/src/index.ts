export {
  decoderLoad,
  encoderLoad,
  decoderLoadLimit,
  samplesForDecoderLoad,
  samplesForEncoderLoad,
  tabulateLoads,
} from './load';
export type {
  DecoderLoadOptions,
  EncoderLoadOptions,
  DecoderLoadLimitOptions,
  SamplesForDecoderLoadOptions,
  SamplesForEncoderLoadOptions,
  LoadRow,
  TabulateLoadsOptions,
} from './load';
export {countParameters} from './count-parameters';
export type {
  CountableModel,
  ParameterCountingModel,
  ParamsCountingModel,
  WeightHoldingModel,
  WeightLike,
} from './count-parameters';
export {formatLoadTable} from './format-load-table';
export type {FormatLoadTableOptions} from './format-load-table';
export {BadLoadArgumentError} from './bad-load-argument-error';
