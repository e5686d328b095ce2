import {parentPort, workerData} from 'node:worker_threads';
import {useBackend} from '@encoderless/backends';
import {errorToMessage} from '@encoderless/errors';
import {EXPERIMENTS} from '../experiments';
import type {JobPlan} from './experiment';

/**
 * A worker thread of the job pool: its own tfjs engine and wasm instance, so two workers use
 * both cores. It finds its experiment by name in the same list the command line is built from,
 * gets the config and the shared data once, then runs the jobs it is sent one at a time and
 * reports ticks, results and errors.
 */
async function main(): Promise<void> {
  const port = parentPort!;
  const {backend, experiment: name, config, data} = workerData as {backend: string; experiment: string; config: object; data: unknown};
  const experiment = EXPERIMENTS.find((e) => e.name === name)!;
  await useBackend(backend);
  port.on('message', async (job: JobPlan | null) => {
    if (job === null) {
      port.close();
      return;
    }
    try {
      const result = await experiment.runJob(config, job, data, (n: number, label: string) => port.postMessage({type: 'tick', n, label}));
      port.postMessage({type: 'result', key: job.key, result});
    } catch (err) {
      port.postMessage({type: 'error', key: job.key, error: errorToMessage(err)});
    }
  });
  port.postMessage({type: 'ready'});
}

main().catch((err: unknown) => parentPort!.postMessage({type: 'error', key: '', error: errorToMessage(err)}));
