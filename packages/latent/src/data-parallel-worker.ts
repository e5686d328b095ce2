// A worker thread of a data-parallel training run (see data-parallel.ts): builds its own copy of
// the modules from the replica recipe, copies the caller's weights into it, then computes its
// share of every batch until thread 0 stops the run.
import {parentPort, workerData} from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import {errorToMessage} from '@encoderless/errors';
import {moduleTensors, type ModuleValues, type WorkerInit} from './data-parallel';
import {BadConfigError, InternalError} from './latent-errors';
import type {Module} from './module';
import {ShardStep, type ShardModules} from './shard-step';
import {StepBuffers} from './step-buffers';

function isModule(m: unknown): m is Module {
  return m !== null && typeof m === 'object' && typeof (m as Module).apply === 'function' && Array.isArray((m as Module).variables);
}

/** Copy the caller's values into the replica's variables, after checking they line up. */
function copyInto(where: string, name: string, module: Module, values: ModuleValues): void {
  const tensors = moduleTensors(module);
  const shapes = tensors.map((v) => `[${v.shape}]`).join(' '), expected = values.shapes.map((s) => `[${s}]`).join(' ');
  if (shapes !== expected) {
    throw new BadConfigError(
      `${where}: the replica's ${name} has variables (then state) ${shapes || 'none'}, the ${name} being trained has ${expected || 'none'}`,
      {option: 'replica'});
  }
  tensors.forEach((v, i) => tf.tidy(() => v.assign(tf.tensor(values.values[i], v.shape))));
}

async function buildReplica(init: WorkerInit): Promise<ShardModules> {
  const {where, replica} = init;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const exports = require(replica.module) as Record<string, unknown>;
  const factory = exports[replica.export];
  if (typeof factory !== 'function') {
    throw new BadConfigError(`${where}: replica module ${replica.module} has no function export '${replica.export}'`, {option: 'replica'});
  }
  const built = await factory(...(replica.args ?? [])) as Partial<ShardModules> | undefined;
  const needsEncoder = init.spec.task === 'autoencoder';
  if (!isModule(built?.decoder) || (needsEncoder && !isModule(built?.encoder))) {
    throw new BadConfigError(
      `${where}: replica ${replica.export} must resolve to {decoder${needsEncoder ? ', encoder' : ''}}, modules with apply and variables`,
      {option: 'replica'});
  }
  if (tf.getBackend() !== init.backend) {
    throw new BadConfigError(
      `${where}: the replica runs on backend '${tf.getBackend() ?? 'none'}', the calling thread on '${init.backend}'; ` +
      `the replica function must select the same one (e.g. await useBackend('${init.backend}'))`, {option: 'replica'});
  }
  const modules: ShardModules = {decoder: built!.decoder!, ...(needsEncoder ? {encoder: built!.encoder!} : {})};
  copyInto(where, 'decoder', modules.decoder, init.weights.decoder);
  if (modules.encoder && init.weights.encoder) copyInto(where, 'encoder', modules.encoder, init.weights.encoder);
  return modules;
}

/** The step loop: synchronous, woken by thread 0 through Atomics. */
function runSteps(init: WorkerInit, step: ShardStep, buffers: StepBuffers): void {
  let seen = 0, parity = 0, tensors = -1;
  for (;;) {
    seen = buffers.waitGo(seen);
    if (seen < 0) return;
    step.compute(parity);
    if (!buffers.arriveAndWait()) return;
    if (!step.finish(parity)) return;
    parity = 1 - parity;
    // Leaks are bugs: a worker's tensor count must not grow from one step to the next.
    const now = tf.memory().numTensors;
    if (tensors >= 0 && now > tensors) {
      throw new InternalError(`${init.where}: worker thread ${init.thread} leaks ${now - tensors} tensor(s) per step`);
    }
    tensors = now;
  }
}

async function main(): Promise<void> {
  const init = workerData as WorkerInit;
  let step: ShardStep, buffers: StepBuffers;
  try {
    const modules = await buildReplica(init);
    buffers = new StepBuffers(init.layout, init.memory);
    step = new ShardStep(init.spec, modules, init.adam, buffers, init.thread);
  } catch (err) {
    parentPort!.postMessage({type: 'error', error: errorToMessage(err)});
    return;
  }
  parentPort!.postMessage({type: 'ready'});
  // However this thread ends (an error nobody caught included), thread 0 must not wait for it.
  process.on('exit', () => buffers.fail(init.thread));
  try {
    runSteps(init, step, buffers);
  } catch (err) {
    init.errors.postMessage(errorToMessage(err));
    buffers.fail(init.thread);
  }
  init.errors.close();
}

void main();
