import {defineExperiment} from '../../sweep/experiment';
import {recordSchema} from '../../sweep/points';
import {CIFAR_COUPLINGS, CIFAR_KNOBS, CIFAR_MODELS, CIFAR_PRESETS, completeCifarConfig} from './cifar-config';
import {loadCifarShared} from './cifar-data';
import {cifarJobs, cifarWorkerBytes, runCifarJob} from './cifar-jobs';
import {cifarOutputs} from './cifar-output';

/**
 * `encoderless cifar`: the subset experiment (each model per images-per-class and seed) and the
 * learning curves (paper Section 3.2); one point per trained model.
 */
export const cifar = defineExperiment({
  name: 'cifar',
  summary: 'CIFAR-10 (paper Section 3.2): decoder vs autoencoder, 1x1 and 4x4, over images per class; learning curves',
  knobs: CIFAR_KNOBS,
  presets: CIFAR_PRESETS,
  couplings: CIFAR_COUPLINGS,
  complete: completeCifarConfig,
  loadData: loadCifarShared,
  jobs: cifarJobs,
  runJob: runCifarJob,
  checkRecord: recordSchema({
    integers: ['perClass', 'samples', 'seedIndex', 'weights', 'testImages', 'epochs'],
    numbers: ['decoderLoad', 'encoderLoad', 'trainLoss', 'testLoss', 'seconds'],
    choices: {scenario: ['subsets', 'curves'], model: CIFAR_MODELS},
    arrays: ['curve', 'grids'],
  }),
  workerBytes: cifarWorkerBytes,
  outputs: cifarOutputs,
});
