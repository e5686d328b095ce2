import {availableParallelism} from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import {useBackend} from '@encoderless/backends';
import {createRandom} from '@encoderless/random';
import {expectArraysClose, expectNoLeaksAsync} from '@encoderless/test-utils';
import {fitAutoDecoder, type FitAutoDecoderOptions} from './index';

/** N samples on a 2-d plane in 5-d space (x = z·W + offset), in units far from 1, as a number[][]. */
function plane(n: number, seed: number): number[][] {
  const rng = createRandom(seed);
  const w = [[3, -1, 0.5, 2, 0], [0, 2, -1.5, 1, 4]];
  return Array.from({length: n}, () => {
    const z = [rng.normal(), rng.normal()];
    return w[0].map((_, j) => 100 + 10 * (z[0] * w[0][j] + z[1] * w[1][j]));
  });
}

/** R² of predictions against targets over all entries. */
function rSquared(pred: number[][], target: number[][]): number {
  const flat = target.flat(), p = pred.flat();
  const mean = flat.reduce((a, b) => a + b, 0) / flat.length;
  let ss = 0, res = 0;
  flat.forEach((v, i) => { ss += (v - mean) ** 2; res += (v - p[i]) ** 2; });
  return 1 - res / ss;
}

const quick: FitAutoDecoderOptions = {
  latentDim: 2, decoder: {kind: 'mlp', hidden: []}, epochs: 60, rowOptimizer: {kind: 'adam', learningRate: 0.05}, learningRate: 0.01,
  transform: {maxSteps: 100},
};

describe('fitAutoDecoder (wasm)', () => {
  beforeAll(async () => { await useBackend('wasm'); });

  it('fits a 2-d plane in 5-d: new samples are represented and decoded back in data units (R² > 0.99)', async () => {
    const train = plane(300, 1), fresh = plane(50, 2);
    const model = await fitAutoDecoder(train, quick);
    expect(model.representations).toHaveLength(300);
    expect(model.representations[0]).toHaveLength(2);
    expect(model.normalization.kind).toBe('standardize');
    expect(rSquared(await model.decode(model.representations), train)).toBeGreaterThan(0.99);
    const {representations, losses, loss} = await model.transform(fresh);
    expect(losses).toHaveLength(50);
    expect(loss).toBeCloseTo(losses.reduce((a, b) => a + b, 0) / 50, 6);
    expect(rSquared(await model.decode(representations), fresh)).toBeGreaterThan(0.99);
    model.dispose();
  });

  it('the same seed gives bit-identical representations and decodes; another seed does not', async () => {
    const data = plane(60, 3);
    const options = {...quick, epochs: 5};
    const [a, b, c] = [await fitAutoDecoder(data, options), await fitAutoDecoder(data, options), await fitAutoDecoder(data, {...options, seed: 1})];
    expect(b.representations).toEqual(a.representations);
    expect(await b.decode(a.representations)).toEqual(await a.decode(a.representations));
    expect((await b.transform(data)).representations).toEqual((await a.transform(data)).representations);
    expect(c.representations).not.toEqual(a.representations);
    [a, b, c].forEach((m) => m.dispose());
  });

  it('validation keeps the best checked state: weights and rows equal those of a run stopped at the best epoch', async () => {
    const data = plane(80, 4);
    const options: FitAutoDecoderOptions = {...quick, epochs: 12, validation: {fraction: 0.25, every: 1, patience: 100},
      learningRate: 0.2, rowOptimizer: {kind: 'adam', learningRate: 0.3}};
    const full = await fitAutoDecoder(data, options);
    const checks = full.history.map((r) => r.validationLoss!);
    expect(checks.every((v) => Number.isFinite(v))).toBe(true);
    const best = checks.indexOf(Math.min(...checks));
    expect(full.bestEpoch).toBe(best);
    expect(best).toBeLessThan(11); // this seed's high learning rates overfit: the last epoch is not the best
    expect(full.validationIndices).toHaveLength(20);
    // Training is deterministic and validation fits do not touch it, so a run of best + 1
    // epochs ends in the state the first run kept.
    const short = await fitAutoDecoder(data, {...options, epochs: best + 1});
    expect(full.representations).toEqual(short.representations);
    expect(await full.decode(full.representations)).toEqual(await short.decode(short.representations));
    // The kept decoder gives back the validation loss measured at its check.
    const held = full.validationIndices.map((i) => data[i]);
    expect((await full.transform(held)).loss).toBe(checks[best]);
    full.dispose();
    short.dispose();
  });

  it('early stopping ends the fit `patience` checks after the best one', async () => {
    const options: FitAutoDecoderOptions = {...quick, epochs: 40, validation: {fraction: 0.25, every: 2, patience: 2},
      learningRate: 0.2, rowOptimizer: {kind: 'adam', learningRate: 0.3}};
    const model = await fitAutoDecoder(plane(80, 4), options);
    expect(model.stopReason).toBe('early-stopping');
    expect(model.history).toHaveLength(model.bestEpoch! + 1 + 2 * 2);
    model.dispose();
  });

  it('an AbortSignal stops the fit after the current batch and leaves a usable model', async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    const model = await fitAutoDecoder(plane(64, 5), {...quick, epochs: 50, onEpoch: (r) => {
      seen.push(r.epoch);
      if (r.epoch === 2) controller.abort();
    }, signal: controller.signal});
    expect(model.stopReason).toBe('aborted');
    expect(seen).toEqual([0, 1, 2]);
    expect(model.history).toHaveLength(3);
    expect((await model.decode(model.representations.slice(0, 2)))[0]).toHaveLength(5);
    model.dispose();
  });

  it('transform: restarts keep each sample\'s best row, convergence false runs every step, onProgress reports them', async () => {
    const data = plane(40, 12);
    const model = await fitAutoDecoder(data, {...quick, epochs: 3});
    const one = await model.transform(data, {maxSteps: 20});
    const three = await model.transform(data, {maxSteps: 20, restarts: 3});
    three.losses.forEach((l, i) => expect(l).toBeLessThanOrEqual(one.losses[i]));
    const steps: number[] = [];
    await model.transform(data, {maxSteps: 7, convergence: false, onProgress: (r) => { steps.push(r.step); }});
    expect(steps).toEqual([1, 2, 3, 4, 5, 6, 7]);
    // What progress reports as each sample's best representation so far: without normalisation
    // the loss per entry is the decoding's squared error / 5 features, so the reports' mean loss
    // must be that of the representations they hand out.
    const raw = await fitAutoDecoder(data, {...quick, epochs: 3, normalize: 'none'});
    const reported: number[] = [], seen: number[][][] = [];
    await raw.transform(data, {maxSteps: 7, convergence: false, onProgress: (r) => {
      reported.push(r.loss);
      seen.push(r.representations());
    }});
    const meanLoss = async (z: number[][]) => (await raw.decode(z)).flat().reduce((sum, v, k) => sum + (v - data.flat()[k]) ** 2, 0) / (data.length * 5);
    expect(seen[0]).toHaveLength(data.length);
    expect(seen[0][0]).toHaveLength(2);
    expectArraysClose(await Promise.all(seen.map(meanLoss)), reported, {rtol: 1e-4});
    expect(reported[6]).toBeLessThan(reported[0]);
    raw.dispose();
    await expect(model.transform(data, {convergence: {patience: 0, tolerance: 0.1}})).rejects.toThrow(/convergence must be \{patience: integer ≥ 1/);
    model.dispose();
  });

  it('onEpoch reports epochs, losses and a time estimate', async () => {
    const reports: {epoch: number; epochs: number; remainingSeconds: number; loss: number}[] = [];
    const model = await fitAutoDecoder(plane(40, 6), {...quick, epochs: 3, onEpoch: (r) => { reports.push(r); }});
    expect(reports.map((r) => [r.epoch, r.epochs])).toEqual([[0, 3], [1, 3], [2, 3]]);
    expect(reports[2].remainingSeconds).toBe(0);
    expect(reports.every((r) => Number.isFinite(r.loss))).toBe(true);
    model.dispose();
  });

  it('onStart reports the load before the first epoch; a load below 1 comes with a warning', async () => {
    const events: string[] = [];
    let plan: import('./index').FitPlan | undefined;
    // 40 samples × 5 entries = 200 numbers; the linear decoder 2→5 has 15 weights and the rows
    // 40·2 = 80 values: load 200 / 95 = 2.105 (eq. 3 by hand).
    const model = await fitAutoDecoder(plane(40, 6), {
      ...quick, epochs: 2, onStart: (p) => { plan = p; events.push('start'); }, onEpoch: () => { events.push('epoch'); },
    });
    expect(events).toEqual(['start', 'epoch', 'epoch']);
    expect(plan).toMatchObject({trainingSamples: 40, validationSamples: 0, latentDim: 2, parameters: 15, loadWarning: null});
    expect(plan!.decoderLoad).toBeCloseTo(200 / 95, 10);
    expect(plan!.decoderLoad).toBeCloseTo(model.decoderLoad(), 10);
    model.dispose();
    // A 2→64→64→5 MLP on 10 samples: 50 numbers against 4,677 weights + 20 row values.
    const small = await fitAutoDecoder(plane(10, 7), {...quick, decoder: {kind: 'mlp', hidden: [64, 64]}, epochs: 1,
      onStart: (p) => { plan = p; }});
    expect(plan!.parameters).toBe(2 * 64 + 64 + 64 * 64 + 64 + 64 * 5 + 5);
    expect(plan!.decoderLoad).toBeCloseTo(50 / (4677 + 20), 10);
    expect(plan!.loadWarning).toMatch(/^decoder load 0\.01 < 1: .*can memorise the training samples/);
    small.dispose();
  });

  it('counts: Poisson and negative binomial fit, and the dispersions are learned', async () => {
    const rng = createRandom(7);
    // Counts whose means follow a 1-d factor, over-dispersed by a gamma draw (NB with r = 2).
    const counts = Array.from({length: 120}, () => {
      const f = Math.exp(rng.normal(0, 0.7));
      return [2, 5, 1, 8].map((b) => poissonDraw(rng.gamma(2, (b * f) / 2), rng));
    });
    const poisson = await fitAutoDecoder(counts, {...quick, latentDim: 1, loss: 'poisson', epochs: 30});
    expect(poisson.normalization.kind).toBe('none');
    expect(poisson.decoder.spec!.options.outputLink).toBe('softplus');
    expect(poisson.history[29].loss).toBeLessThan(poisson.history[0].loss);
    const nb = await fitAutoDecoder(counts, {...quick, latentDim: 1, loss: 'negative-binomial', epochs: 30});
    const before = await fitAutoDecoder(counts, {...quick, latentDim: 1, loss: 'negative-binomial', epochs: 1});
    expect(nb.logDispersion!.shape).toEqual([4]);
    expect(Array.from(nb.logDispersion!.dataSync())).not.toEqual(Array.from(before.logDispersion!.dataSync()));
    expect(nb.countParameters()).toBe(poisson.countParameters() + 4);
    const decoded = await nb.decode(nb.representations);
    expect(decoded.flat().every((v) => v > 0)).toBe(true);
    [poisson, nb, before].forEach((m) => m.dispose());
  });

  it('carries the label columns of a CsvTable into transform results, and the feature names into the model', async () => {
    const rows = plane(30, 8);
    const table = {data: rows.flat(), rows: 30, cols: 5, columns: ['a', 'b', 'c', 'd', 'e'], labels: {id: rows.map((_, i) => `s${i}`)}};
    const model = await fitAutoDecoder(table, {...quick, epochs: 2});
    expect(model.featureNames).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(model.labels!.id[29]).toBe('s29');
    expect((await model.transform(table)).labels!.id[0]).toBe('s0');
    model.dispose();
  });

  it('a factory decoder and a zoo spec work as the decoder', async () => {
    const data = plane(40, 9);
    const factory = (m: number, shape: readonly number[]) => {
      const w = tf.variable(tf.randomNormal([m, shape[0]], 0, 0.1, 'float32', 1));
      return {apply: (z: tf.Tensor) => tf.matMul(z, w), variables: [w]};
    };
    const custom = await fitAutoDecoder(data, {...quick, epochs: 2, decoder: factory});
    expect(custom.decoder.spec).toBeNull();
    expect(custom.countParameters()).toBe(10);
    const zoo = await fitAutoDecoder(data, {...quick, epochs: 2, decoder: {kind: 'mlp-decoder', options: {latentDim: 2, outputDim: 5, hidden: [3]}}});
    expect(zoo.decoder.spec!.kind).toBe('mlp-decoder');
    [custom, zoo].forEach((m) => m.dispose());
  });

  it('threads 2 = threads 1 within float rounding (a zoo MLP rebuilt in the worker); what a worker cannot rebuild is refused', async () => {
    const data = plane(64, 12);
    const options: FitAutoDecoderOptions = {...quick, epochs: 10, decoder: {kind: 'mlp', hidden: [8]}};
    if (availableParallelism() >= 2) {
      const one = await fitAutoDecoder(data, options), two = await fitAutoDecoder(data, {...options, threads: 2});
      // The batch's weight gradient is summed in two shards, then added: float32 rounding apart.
      expectArraysClose(two.representations.flat(), one.representations.flat(), {atol: 1e-5, rtol: 0});
      expectArraysClose(two.history.map((h) => h.loss), one.history.map((h) => h.loss), {atol: 0, rtol: 1e-5});
      expect(one.history[9].loss).toBeLessThan(0.9 * one.history[0].loss); // it trained
      [one, two].forEach((m) => m.dispose());
    } else {
      console.warn(`skipping fitAutoDecoder threads 2 = threads 1: ${availableParallelism()} core here, it needs 2`);
    }
    // The option reaches the trainer, which counts the cores.
    await expect(fitAutoDecoder(data, {...options, threads: 100_000})).rejects.toThrow(/threads 100000 is more than the \d+ core\(s\) here/);
    await expect(fitAutoDecoder(data, {...options, threads: 0})).rejects.toThrow(/^fitAutoDecoder: threads must be a positive integer, got 0$/);
    const factory = (m: number, shape: readonly number[]) => {
      const w = tf.variable(tf.zeros([m, shape[0]]));
      return {apply: (z: tf.Tensor) => tf.matMul(z, w), variables: [w]};
    };
    await expect(fitAutoDecoder(data, {...options, decoder: factory, threads: 2}))
      .rejects.toThrow(/fitAutoDecoder: threads 2 needs a decoder given as 'mlp' or a zoo spec: a factory or a tf.LayersModel cannot be rebuilt/);
    const counts = data.map((row) => row.map((v) => Math.round(v)));
    await expect(fitAutoDecoder(counts, {...options, loss: 'negative-binomial', threads: 2}))
      .rejects.toThrow(/threads 2 does not train the negative-binomial loss.*use threads: 1/);
  });

  it('leaks no tensors: fit, transform, decode and dispose', async () => {
    const data = plane(40, 10);
    await fitAutoDecoder(data, {...quick, epochs: 1}).then((m) => m.dispose()); // warm-up
    await expectNoLeaksAsync(async () => {
      const model = await fitAutoDecoder(data, {...quick, epochs: 2, validation: 0.2, loss: 'mse'});
      await model.transform(data.slice(0, 5));
      await model.decode(model.representations);
      model.decodeTensor(model.representations).dispose();
      model.dispose();
    });
  });

  it('throws naming the option or the data problem', async () => {
    const data = plane(10, 11);
    await expect(fitAutoDecoder(data, {latentDim: 0})).rejects.toThrow(/fitAutoDecoder: latentDim must be a positive integer, got 0/);
    await expect(fitAutoDecoder(data, {latentDim: 2, epoch: 3} as never)).rejects.toThrow(/unknown option "epoch"; it takes latentDim/);
    await expect(fitAutoDecoder(data, {latentDim: 2, loss: 'l1' as never})).rejects.toThrow(/loss must be 'mse', 'bce', 'poisson', 'negative-binomial', got "l1"/);
    await expect(fitAutoDecoder(data, {latentDim: 2, normalize: 'zscore' as never})).rejects.toThrow(/normalize must be 'none', 'min-max', 'standardize', 'log1p'/);
    await expect(fitAutoDecoder(data, {latentDim: 2, loss: 'poisson', normalize: 'log1p'})).rejects.toThrow(/loss 'poisson' is a likelihood of counts, so normalize must be 'none'/);
    await expect(fitAutoDecoder(data, {latentDim: 2, loss: 'bce'})).rejects.toThrow(/loss 'bce' needs values in \[0, 1\].*sample 0, feature 0 is 1/);
    await expect(fitAutoDecoder(data, {latentDim: 2, validation: 1.5})).rejects.toThrow(/validation.fraction must be in \(0, 1\), got 1.5/);
    await expect(fitAutoDecoder(data, {latentDim: 2, decoder: {kind: 'mnist-decoder', options: {latentDim: 2}}}))
      .rejects.toThrow(/the decoder \(mnist-decoder\) outputs \[28,28,1\] per sample, the data has \[5\]/);
    await expect(fitAutoDecoder(data, {latentDim: 2, decoder: {kind: 'mlp', depth: 3} as never})).rejects.toThrow(/decoder \{kind: 'mlp'\} takes hidden/);
    await expect(fitAutoDecoder(data, {latentDim: 2, transform: {steps: 3} as never})).rejects.toThrow(/unknown transform "steps"/);
    const model = await fitAutoDecoder(data, {...quick, epochs: 1});
    await expect(model.transform([[1, 2, 3]])).rejects.toThrow(/AutoDecoder.transform: data has samples of shape \[3\], the model was fitted on \[5\]/);
    await expect(model.decode([[1, 2, 3]])).rejects.toThrow(/AutoDecoder.decode: representations must be \[samples, 2\], got \[1, 3\]/);
    model.dispose();
    await expect(model.decode([[1, 2]])).rejects.toThrow(/this AutoDecoder was disposed/);
  });
});

/** A Poisson draw by inversion (small means). */
function poissonDraw(mean: number, rng: {uniform(): number}): number {
  let k = 0, p = Math.exp(-mean), cdf = p;
  const u = rng.uniform();
  while (u > cdf && k < 1000) { k++; p *= mean / k; cdf += p; }
  return k;
}
