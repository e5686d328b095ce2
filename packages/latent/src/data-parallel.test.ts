import {availableParallelism} from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import {useBackend} from '@encoderless/backends';
import {createRandom} from '@encoderless/random';
import {expectArraysClose} from '@encoderless/test-utils';
import {Adam, createLatentTable, trainAutoencoder, trainDecoder, type Module, type ReplicaRecipe} from './index';
import {shardBounds} from './step-buffers';

// threads > 1 against threads 1 on the same seeds, wasm, a small conv decoder/encoder (linear,
// conv2dTranspose, conv2d). The batch's weight gradient is summed in another order (two shard
// sums, then their sum), so weights differ by float32 rounding, ~1e-7 relative per step; Adam's
// first steps move each weight by ≈ lr·sign(g) and pass such differences on unamplified. After
// the 6 steps here weights and rows (values of order 1) differ by ≤ 3e-8 and losses by ≤ 6e-8
// relative; we allow 1e-6 (atol; rtol for losses), while a dropped shard or a misplaced row
// errs by > 1e-3. A fixed thread count repeats exactly (atol 0).

interface TinyModule extends Module {
  readonly gain?: tf.Variable;
}
interface TinyFixture {
  createTinyDecoder(seed: number, withState?: boolean): TinyModule;
  createTinyEncoder(seed: number): Module;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fixture = require('./testing/tiny-replica') as TinyFixture;
const FIXTURE = require.resolve('./testing/tiny-replica');
const replica = (options: object = {}): ReplicaRecipe => ({module: FIXTURE, export: 'createTinyReplica', args: ['wasm', options]});

const TWO_CORES = availableParallelism() >= 2;
const describeThreads = TWO_CORES ? describe : describe.skip;
if (!TWO_CORES) console.warn(`skipping data-parallel tests: ${availableParallelism()} core here, they need 2`);

/** 20 samples [6, 6, 2] in [0, 1): batches 8, 8, 4 at batchSize 8 (the last one partial). */
function tinyData(): tf.Tensor {
  const rng = createRandom(7);
  return tf.tensor(Float32Array.from({length: 20 * 72}, () => rng.uniform(0, 1)), [20, 6, 6, 2]);
}

const values = (vars: readonly tf.Variable[]) => vars.flatMap((v) => Array.from(v.dataSync()));

async function decoderRun(threads: number, extra: Partial<Parameters<typeof trainDecoder>[0]> = {}) {
  const decoder = fixture.createTinyDecoder(1);
  const data = tinyData();
  const table = createLatentTable({size: 20, dim: 3, seed: 2, optimizer: {kind: 'sgd', learningRate: 0.05, momentum: 0.9}});
  const {history, optimizer} = await trainDecoder({decoder, data, table, epochs: 2, batchSize: 8, seed: 3, loss: 'bce',
    weights: {learningRate: 0.01}, threads, replica: replica(), ...extra});
  const result = {rows: table.snapshot(), weights: values(decoder.variables), losses: history.map((h) => h.loss)};
  optimizer?.dispose();
  tf.dispose([data, ...decoder.variables]);
  return result;
}

describeThreads('trainDecoder / trainAutoencoder with threads (wasm)', () => {
  beforeAll(async () => { await useBackend('wasm'); });

  it('trainDecoder threads 2 = threads 1 within float rounding (rows, weights, losses; a partial last batch)', async () => {
    const one = await decoderRun(1), two = await decoderRun(2);
    expectArraysClose(two.rows, one.rows, {atol: 1e-6, rtol: 0});
    expectArraysClose(two.weights, one.weights, {atol: 1e-6, rtol: 0});
    expectArraysClose(two.losses, one.losses, {atol: 0, rtol: 1e-6});
    // Training moved them: the comparison is not between two untouched copies.
    const before = fixture.createTinyDecoder(1);
    expect(Math.max(...values(before.variables).map((v, i) => Math.abs(v - one.weights[i])))).toBeGreaterThan(1e-3);
    tf.dispose(before.variables as tf.Variable[]);
  });

  it('a fixed thread count repeats exactly; reduction mean splits into shards the same way', async () => {
    const a = await decoderRun(2, {reduction: 'mean', weights: {learningRate: 0.01}});
    const b = await decoderRun(2, {reduction: 'mean', weights: {learningRate: 0.01}});
    expectArraysClose(b.rows, a.rows, {atol: 0, rtol: 0});
    expectArraysClose(b.weights, a.weights, {atol: 0, rtol: 0});
    const one = await decoderRun(1, {reduction: 'mean', weights: {learningRate: 0.01}});
    expectArraysClose(a.losses, one.losses, {atol: 0, rtol: 1e-6});
    expectArraysClose(a.weights, one.weights, {atol: 1e-6, rtol: 0});
  });

  it("the caller's Adam holds the run's moments and step count after every epoch; a second call resumes from them exactly", async () => {
    // The weights and moments live in shared memory during the run; they are copied back into the
    // caller's Adam after each epoch (for checkpoints written by onEpoch) and at the end.
    const run = async (threads: number, split: boolean) => {
      const decoder = fixture.createTinyDecoder(1);
      const data = tinyData();
      const table = createLatentTable({size: 20, dim: 3, seed: 2});
      const optimizer = new Adam(decoder.variables, {learningRate: 0.01, weightDecay: 1e-3});
      const steps: number[] = [];
      const common = {decoder, data, table, batchSize: 8, seed: 3, loss: 'bce' as const, weights: optimizer, threads, replica: replica(),
        onEpoch: async () => { steps.push((await optimizer.getState()).step); }};
      if (split) {
        await trainDecoder({...common, epochs: 1});
        await trainDecoder({...common, epochs: 2, startEpoch: 1});
      } else {
        await trainDecoder({...common, epochs: 2});
      }
      const state = await optimizer.getState();
      const result = {steps, step: state.step, m: state.moments.flatMap((x) => Array.from(x.m)), v: state.moments.flatMap((x) => Array.from(x.v)),
        weights: values(decoder.variables), rows: table.snapshot()};
      optimizer.dispose();
      tf.dispose([data, ...decoder.variables]);
      return result;
    };
    const one = await run(1, false), two = await run(2, false), resumed = await run(2, true);
    // 20 samples in batches of 8: 3 steps per epoch.
    expect(two.steps).toEqual([3, 6]);
    expect(resumed.steps).toEqual([3, 6]);
    expect(two.step).toBe(6);
    expectArraysClose(two.m, one.m, {atol: 1e-6, rtol: 0});
    expectArraysClose(two.v, one.v, {atol: 1e-9, rtol: 0});
    expect(Math.max(...two.m.map(Math.abs))).toBeGreaterThan(1e-3);
    for (const key of ['m', 'v', 'weights', 'rows'] as const) expectArraysClose(resumed[key], two[key], {atol: 0, rtol: 0});
  });

  it('weights: false, inference mode: the replica gets the decoder\'s state too', async () => {
    const run = async (threads: number) => {
      const decoder = fixture.createTinyDecoder(1, true);
      decoder.gain!.assign(tf.scalar(0.5)); // in inference mode, apply multiplies by it
      const data = tinyData();
      const table = createLatentTable({size: 20, dim: 3, seed: 2});
      await trainDecoder({decoder, data, table, epochs: 1, batchSize: 8, weights: false, training: false,
        threads, replica: replica({withState: true})});
      tf.dispose([data, ...decoder.variables, decoder.gain!]);
      return table.snapshot();
    };
    expectArraysClose(await run(2), await run(1), {atol: 1e-6, rtol: 0});
  });

  it('trainAutoencoder threads 2 = threads 1 within float rounding', async () => {
    const run = async (threads: number) => {
      const decoder = fixture.createTinyDecoder(1), encoder = fixture.createTinyEncoder(4);
      const data = tinyData();
      const {history, optimizer} = await trainAutoencoder({encoder, decoder, data, epochs: 2, batchSize: 8, seed: 5,
        weights: {learningRate: 0.01}, threads, replica: replica()});
      const result = {weights: values([...encoder.variables, ...decoder.variables]), losses: history.map((h) => h.loss)};
      optimizer.dispose();
      tf.dispose([data, ...encoder.variables, ...decoder.variables]);
      return result;
    };
    const one = await run(1), two = await run(2);
    expectArraysClose(two.weights, one.weights, {atol: 1e-6, rtol: 0});
    expectArraysClose(two.losses, one.losses, {atol: 0, rtol: 1e-6});
  });

  it('no leak: the calling thread holds as many tensors after each epoch (workers check their own)', async () => {
    const decoder = fixture.createTinyDecoder(1);
    const data = tinyData();
    const table = createLatentTable({size: 20, dim: 3, seed: 2});
    const counts: number[] = [];
    const {optimizer} = await trainDecoder({decoder, data, table, epochs: 4, batchSize: 8, threads: 2, replica: replica(),
      onEpoch: () => { counts.push(tf.memory().numTensors); }});
    expect(new Set(counts).size).toBe(1);
    optimizer!.dispose();
    tf.dispose([data, ...decoder.variables]);
  });

  it('throws when a worker fails during the steps, naming the thread and keeping the message; no hang', async () => {
    // At each of the first steps, so that the failure meets thread 0 spinning, asleep or arriving
    // at the barrier (a failure that only notified, without moving the waited-on values, could
    // meet a thread between its last check and its sleep and leave it asleep for good).
    for (const call of [1, 2, 3, 4]) {
      await expect(decoderRun(2, {replica: replica({failOnCall: call})}))
        .rejects.toThrow(new RegExp(`trainDecoder: worker thread 1: tiny replica: call ${call} fails on purpose`));
    }
  });

  it("after a worker fails mid-epoch, the caller's weights and Adam are those of the last finished step, together", async () => {
    // 20 samples in batches of 8: steps of 8, 8, 4. The worker's 3rd forward pass (step 3, in the
    // first epoch: no end-of-epoch sync yet) fails before any thread updates, so the caller must
    // hold step 2's weights with step 2's moments: against one thread stopped after step 2.
    const run = async (threads: number, options: {failOnCall?: number; abortAfter?: number}) => {
      const decoder = fixture.createTinyDecoder(1);
      const data = tinyData();
      const table = createLatentTable({size: 20, dim: 3, seed: 2});
      const adam = new Adam(decoder.variables, {learningRate: 0.01});
      const controller = new AbortController();
      let calls = 0;
      const counted: Module = {...decoder, apply: (z, o) => {
        if (++calls === options.abortAfter) controller.abort();
        return decoder.apply(z, o);
      }};
      const outcome = await trainDecoder({decoder: counted, data, table, epochs: 2, batchSize: 8, seed: 3, weights: adam, threads,
        replica: replica(options.failOnCall ? {failOnCall: options.failOnCall} : {}), signal: controller.signal})
        .then(() => 'finished', (err: Error) => err.message);
      const state = await adam.getState();
      const result = {outcome, step: state.step, m: state.moments.flatMap((x) => Array.from(x.m)), weights: values(decoder.variables)};
      adam.dispose();
      tf.dispose([data, ...decoder.variables]);
      return result;
    };
    const failed = await run(2, {failOnCall: 3}), twoSteps = await run(1, {abortAfter: 2});
    expect(failed.outcome).toMatch(/worker thread 1: tiny replica: call 3 fails on purpose/);
    expect([failed.step, twoSteps.step]).toEqual([2, 2]);
    expectArraysClose(failed.weights, twoSteps.weights, {atol: 1e-6, rtol: 0});
    expectArraysClose(failed.m, twoSteps.m, {atol: 1e-6, rtol: 0});
    expect(Math.max(...failed.m.map(Math.abs))).toBeGreaterThan(1e-4);
  });

  it('throws when the Adam given does not step exactly the trained variables, before any worker starts', async () => {
    const decoder = fixture.createTinyDecoder(1);
    const data = tinyData();
    const table = createLatentTable({size: 20, dim: 3, seed: 2});
    const adam = new Adam(decoder.variables.slice(1));
    await expect(trainDecoder({decoder, data, table, epochs: 1, batchSize: 8, weights: adam, threads: 2, replica: replica()}))
      .rejects.toThrow(/^trainDecoder: the optimizer steps variables of sizes \[36, 128\], the trained variables have \[108, 36, 128\]; pass an Adam made over exactly/);
    adam.dispose();
    tf.dispose([data, ...decoder.variables]);
  });

  it('trainAutoencoder really uses the worker: its failure reaches the caller, named trainAutoencoder', async () => {
    // Equal results alone cannot tell two threads from one; a worker that fails on purpose can.
    const decoder = fixture.createTinyDecoder(1), encoder = fixture.createTinyEncoder(4);
    const data = tinyData();
    await expect(trainAutoencoder({encoder, decoder, data, epochs: 1, batchSize: 8, seed: 5, threads: 2, replica: replica({failOnCall: 1})}))
      .rejects.toThrow(/^trainAutoencoder: worker thread 1: tiny replica: call 1 fails on purpose/);
    tf.dispose([data, ...encoder.variables, ...decoder.variables]);
  });

  it('throws when a worker thread exits without a word, instead of waiting for it', async () => {
    await expect(decoderRun(2, {replica: replica({exitOnCall: 2})}))
      .rejects.toThrow(/trainDecoder: worker thread 1 stopped without reporting why \(it exited\)/);
  });

  it('throws when the replica does not match: its export, its variables, its backend', async () => {
    await expect(decoderRun(2, {replica: {module: FIXTURE, export: 'createNothing'}}))
      .rejects.toThrow(/trainDecoder: worker thread 1 could not start .*has no function export 'createNothing'/);
    await expect(decoderRun(2, {replica: replica({extraVariable: true})}))
      .rejects.toThrow(/the replica's decoder has variables \(then state\) \[3,36\] \[36\] \[4,4,2,4\] \[2\], the decoder being trained has \[3,36\] \[36\] \[4,4,2,4\]/);
    await expect(decoderRun(2, {replica: {module: FIXTURE, export: 'createTinyReplica', args: ['cpu']}}))
      .rejects.toThrow(/the replica runs on backend 'cpu', the calling thread on 'wasm'/);
  });
});

describe('threads validation', () => {
  beforeAll(async () => { await useBackend('wasm'); });

  it('throws on a bad count, more threads than cores or than the batch, or no replica, naming the option', async () => {
    await expect(decoderRun(0)).rejects.toThrow(/trainDecoder: threads must be a positive integer, got 0/);
    await expect(decoderRun(1.5)).rejects.toThrow(/threads must be a positive integer, got 1.5/);
    await expect(decoderRun(100_000)).rejects.toThrow(/threads 100000 is more than the \d+ core\(s\) here.*use threads ≤ \d+/);
    if (TWO_CORES) {
      await expect(decoderRun(2, {batchSize: 1})).rejects.toThrow(/threads 2 is more than batchSize 1/);
      await expect(decoderRun(2, {replica: undefined})).rejects.toThrow(/threads 2 needs replica: \{module, export, args\?\}/);
    }
  });
});

describe('shardBounds', () => {
  it('splits a batch into contiguous, near-equal shards; fewer samples than threads leaves some empty', () => {
    expect(shardBounds(32, 2)).toEqual([0, 16, 32]);
    expect(shardBounds(7, 3)).toEqual([0, 2, 4, 7]);
    expect(shardBounds(1, 2)).toEqual([0, 0, 1]);
  });
});
