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
export {BadDataFileError, DataUnavailableError} from './bad-data-file-error';
export {parseIdx} from './parse-idx';
export type {IdxArray, IdxData, IdxType} from './parse-idx';
export {toMnistSplit} from './to-mnist-split';
export type {MnistFiles, MnistSplit, MnistSplitOptions} from './to-mnist-split';
export {selectSubset, mnistSubset, mnistTestSubset, checkDisjointSubsets, MNIST_TEST_SUBSET_SEED} from './select-subset';
export type {MnistTestSubsetOptions} from './select-subset';
export {filterByLabels} from './filter-by-labels';
export {parseTar, iterateTar} from './parse-tar';
export type {TarEntry} from './parse-tar';
export {parseCifarBatch, parseCifarBatches, CIFAR10_CLASSES, CIFAR10_RECORD_BYTES} from './parse-cifar-batch';
export type {CifarSplit} from './parse-cifar-batch';
export {resizeImage} from './resize-image';
export type {ImageArray} from './resize-image';
export {balancedSubset, balancedFraction, takeImages} from './balanced-subset';
export type {BalancedSubsetOptions} from './balanced-subset';
export {parseCsv} from './parse-csv';
export type {CsvTable, ParseCsvOptions} from './parse-csv';
export {parseNpy, encodeNpy} from './parse-npy';
export type {NpyArray, NpyData, NpyDtype, NpyInput} from './parse-npy';
export {formatCsv, formatFloat32} from './format-csv';
export type {CsvWritable, FormatCsvOptions} from './format-csv';
