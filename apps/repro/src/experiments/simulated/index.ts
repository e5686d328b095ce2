import {recordSchema} from '../../sweep/points';
import {defineExperiment} from '../../sweep/experiment';
import {
  completeSimulatedConfig, SIMULATED_COUPLINGS, SIMULATED_KNOBS, SIMULATED_PRESETS,
} from './simulated-config';
import {runSimulatedJob, simulatedJobs} from './simulated-jobs';
import {simulatedOutputs} from './simulated-output';

/**
 * `encoderless simulated`: the sweep over N for the decoder alone, the encoder on the frozen
 * decoder and the autoencoder (paper Section 3.3).
 */
export const simulated = defineExperiment({
  name: 'simulated',
  summary: 'simulated gene-regulatory network (paper Section 3.3): decoder vs encoder vs autoencoder over load',
  knobs: SIMULATED_KNOBS,
  presets: SIMULATED_PRESETS,
  couplings: SIMULATED_COUPLINGS,
  complete: completeSimulatedConfig,
  // Generated from the seed inside each job (milliseconds): nothing to load or share.
  loadData: async () => ({shared: null, bytes: 0, identity: {sha256: null, source: 'generated from the seed (the network and the samples of each N)'}}),
  jobs: simulatedJobs,
  runJob: (config, job, _data, tick) => runSimulatedJob(config, job, tick),
  checkRecord: recordSchema({
    integers: ['samples', 'epochs'],
    numbers: ['decoderLoad', 'encoderLoad', 'trainLoss', 'testLoss', 'pcc', 'pccFlattened', 'seconds'],
    choices: {model: ['decoder', 'encoder', 'autoencoder']},
  }),
  outputs: simulatedOutputs,
});
