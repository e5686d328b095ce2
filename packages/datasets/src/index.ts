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
export {decodeIdxFile} from './decode-idx-file';
export {toMnistSplit} from './to-mnist-split';
export type {MnistFiles, MnistSplit} from './to-mnist-split';
export {loadMnist, mnistCacheDir, MNIST_FILES, MNIST_MIRRORS, MNIST_SHA256} from './load-mnist';
export type {LoadMnistOptions, MnistData, MnistSource} from './load-mnist';
export {selectSubset, mnistSubset, mnistTestSubset, checkDisjointSubsets, MNIST_TEST_SUBSET_SEED} from './select-subset';
export type {MnistTestSubsetOptions} from './select-subset';
export {filterByLabels} from './filter-by-labels';
