import {defineExperiment} from '../../sweep/experiment';
import {recordSchema} from '../../sweep/points';
import {MNIST_COUPLINGS, MNIST_KNOBS, MNIST_PRESETS} from './mnist-config';
import {loadMnistShared} from './mnist-data';
import {mnistJobs, mnistWorkerBytes, runMnistJob} from './mnist-jobs';
import {mnistOutputs} from './mnist-output';

/**
 * `encoderless mnist`: the sweep over N (decoder alone, autoencoder from scratch, autoencoder
 * on the frozen decoder) and the out-of-distribution scenario (paper Section 3.1).
 */
export const mnist = defineExperiment({
  name: 'mnist',
  summary: 'MNIST (paper Section 3.1): decoder vs autoencoders over N, and out of distribution',
  knobs: MNIST_KNOBS,
  presets: MNIST_PRESETS,
  couplings: MNIST_COUPLINGS,
  loadData: loadMnistShared,
  jobs: mnistJobs,
  runJob: runMnistJob,
  checkRecord: recordSchema({
    integers: ['samples', 'epochs'],
    numbers: ['decoderLoad', 'encoderLoad', 'trainLoss', 'testLoss', 'testMse', 'seconds'],
    choices: {scenario: ['sweep', 'ood'], model: ['decoder', 'autoencoder', 'autoencoder-frozen-decoder'], testSet: ['all', 'in', 'out']},
    arrays: ['reconstructions'],
  }),
  workerBytes: mnistWorkerBytes,
  outputs: mnistOutputs,
});
