export {fitAutoDecoder} from './fit-auto-decoder';
export type {FitAutoDecoderOptions, FitPlan, FitProgress} from './fit-auto-decoder';
export {AutoDecoder, LOSSES} from './auto-decoder';
export type {
  AutoDecoderLoss, AutoDecoderSettings, AutoDecoderParts, EpochRecord, StopReason, TransformResult, ValidationSettings,
} from './auto-decoder';
export {loadAutoDecoder, saveAutoDecoder} from './load-auto-decoder';
export type {LoadAutoDecoderOptions, ModelLocation} from './load-auto-decoder';
export {toArtifacts, checkArtifact, ARTIFACT_FORMAT, ARTIFACT_VERSION} from './auto-decoder-artifacts';
export type {AutoDecoderTopology, CheckedArtifact} from './auto-decoder-artifacts';
export {NEAREST_CANDIDATES, TRANSFORM_DEFAULTS} from './fit-rows';
export type {TransformOptions, TransformProgress, TransformSettings} from './fit-rows';
export {NORMALIZATION_KINDS} from './normalization';
export type {Normalization, NormalizationKind} from './normalization';
export type {DecoderOption, DecoderFactory, MlpDecoderSpec, LayersModelDecoder, ResolvedDecoder} from './resolve-decoder';
export type {DataInput, MatrixInput} from './data-input';
export {toTable} from './representation-table';
export {principalComponents} from './principal-components';
export type {PrincipalComponents} from './principal-components';
export {summarizeFit, formatFitReport, loadWarning, lossCurve, representationMap} from './fit-report';
export type {FitSummary} from './fit-report';
export {defaultHidden} from './resolve-decoder';
