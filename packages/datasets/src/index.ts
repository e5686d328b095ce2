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
export type {MnistFiles, MnistSplit, MnistSplitOptions} from './to-mnist-split';
export {loadMnist, mnistCacheDir, MNIST_FILES, MNIST_IMAGE_SIZE, MNIST_MIRRORS, MNIST_SHA256} from './load-mnist';
export type {LoadMnistOptions, MnistData, MnistSource} from './load-mnist';
export {selectSubset, mnistSubset, mnistTestSubset, checkDisjointSubsets, MNIST_TEST_SUBSET_SEED} from './select-subset';
export type {MnistTestSubsetOptions} from './select-subset';
export {filterByLabels} from './filter-by-labels';
export {parseTar, iterateTar} from './parse-tar';
export type {TarEntry} from './parse-tar';
export {readTarGz, unpackTarGz} from './unpack-tar-gz';
export {parseCifarBatch, parseCifarBatches, CIFAR10_CLASSES, CIFAR10_RECORD_BYTES} from './parse-cifar-batch';
export type {CifarSplit} from './parse-cifar-batch';
export {loadCifar10, loadCifar10Binary, cifar10CacheDir, CIFAR10_BINARY_URL, CIFAR10_BINARY_MD5, CIFAR10_BINARY_FILES} from './load-cifar10';
export type {Cifar10Data, LabelledImages, LoadCifar10BinaryOptions, LoadCifar10Options, LoadedCifar10} from './load-cifar10';
export {decodeImage} from './decode-image';
export type {RgbImage} from './decode-image';
export {resizeImage} from './resize-image';
export type {ImageArray} from './resize-image';
export {loadImageFolder} from './load-image-folder';
export type {ImageFolderData, LoadImageFolderOptions} from './load-image-folder';
export {balancedSubset, balancedFraction, takeImages} from './balanced-subset';
export type {BalancedSubsetOptions} from './balanced-subset';
export {parseCsv} from './parse-csv';
export type {CsvTable, ParseCsvOptions} from './parse-csv';
export {readCsv} from './read-csv';
export type {ReadCsvOptions} from './read-csv';
export {parseNpy, encodeNpy} from './parse-npy';
export type {NpyArray, NpyData, NpyDtype, NpyInput} from './parse-npy';
export {readNpy, writeNpy} from './read-npy';
export {formatCsv, formatFloat32} from './format-csv';
export type {CsvWritable, FormatCsvOptions} from './format-csv';
export {writeCsv} from './write-csv';
export type {ReadNpyOptions} from './read-npy';
export {defaultMaxFileBytes} from './file-size-limit';
