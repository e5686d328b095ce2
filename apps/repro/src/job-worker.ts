import {parentPort, workerData} from 'node:worker_threads';
import {useBackend} from '@encoderless/backends';
import {errorToMessage} from '@encoderless/errors';
import {runJob, type JobSpec} from './job-registry';

/**
 * A worker thread of the job pool: its own tfjs engine and wasm instance, so two workers use
 * both cores. Runs the jobs it is sent one at a time and reports ticks, results and errors.
 */
async function main(): Promise<void> {
  const port = parentPort!;
  await useBackend(workerData.backend as string);
  port.on('message', async (job: JobSpec | null) => {
    if (job === null) {
      port.close();
      return;
    }
    try {
      const result = await runJob(job, (n, label) => port.postMessage({type: 'tick', n, label}));
      port.postMessage({type: 'result', key: job.key, result});
    } catch (err) {
      port.postMessage({type: 'error', key: job.key, error: errorToMessage(err)});
    }
  });
  port.postMessage({type: 'ready'});
}

main().catch((err: unknown) => parentPort!.postMessage({type: 'error', key: '', error: errorToMessage(err)}));
