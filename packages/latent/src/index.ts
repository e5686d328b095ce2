export {LatentTable, createLatentTable} from './latent-table';
export type {LatentTableOptions, LatentTableState, RowSchedule} from './latent-table';
export {PAPER_ROW_OPTIMIZER, resolveRowOptimizer} from './row-optimizer';
export type {RowOptimizerConfig, SgdRowOptimizerConfig, AdamRowOptimizerConfig} from './row-optimizer';
export {Adam, createAdam} from './adam';
export type {AdamOptions, AdamState} from './adam';
export {moduleFromFunction, moduleFromLayersModel} from './module';
export type {Module, ApplyOptions, LayersModelLike} from './module';
export {entryLosses, sampleLosses, reduceLoss, negativeBinomialLoss, logGamma, logGammaRatio, lossName} from './reconstruction-loss';
export type {ReconstructionLoss, LossReduction, CustomLoss} from './reconstruction-loss';
export type {EpochReport, EpochLoopOptions} from './epoch-loop';
export type {ThreadsOptions, ReplicaRecipe} from './threads-options';
export {trainDecoder} from './train-decoder';
export type {TrainDecoderOptions, TrainDecoderResult} from './train-decoder';
export {fitRepresentations, resolveFitSettings, FIT_DEFAULTS, samplewiseLoss, reconstructionError} from './fit-representations';
export type {
  FitRepresentationsOptions, FitRepresentationsResult, FitSettings, FitSettingsOptions, FitStepReport, ConvergenceOptions,
  AdaptiveRateOptions,
  PlateauOptions,
} from './fit-representations';
export {trainAutoencoder, trainEncoderOnRows, encodeAll} from './train-autoencoder';
export type {TrainAutoencoderOptions, TrainAutoencoderResult, TrainEncoderOnRowsOptions} from './train-autoencoder';
export {unitCorrelations, meanAbsUnitCorrelation, flattenedCorrelation} from './unit-correlation';
export {BadConfigError, BadDataError, InternalError} from './latent-errors';
export {sha256Hex} from './sha256';
export {readTensors} from './read-tensors';
export {encodeLatentTable, decodeLatentTable} from './latent-table-file';
