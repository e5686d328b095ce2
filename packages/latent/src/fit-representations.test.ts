import * as tf from '@tensorflow/tfjs-core';
import {useBackend} from '@encoderless/backends';
import {createRandom} from '@encoderless/random';
import {createMnistDecoder} from '@encoderless/models';
import {expectArraysClose, expectNoLeaksAsync} from '@encoderless/test-utils';
import {
  FIT_DEFAULTS, createLatentTable, fitRepresentations, moduleFromFunction, resolveFitSettings, samplewiseLoss, trainDecoder,
} from './index';

describe('fitRepresentations (wasm)', () => {
  beforeAll(async () => { await useBackend('wasm'); });

  // A frozen linear decoder x = z·W with W [2, 5] of full row rank: the best rows are the
  // least-squares solution z* = x·Wᵀ(W·Wᵀ)⁻¹, computed here in float64 as the reference.
  const wValues = [[1, 0.5, -1, 2, 0], [0, 1, 1, -0.5, 1.5]];
  function leastSquares(x: number[][]): number[][] {
    const g = [[0, 0], [0, 0]];
    for (let a = 0; a < 2; a++) for (let b = 0; b < 2; b++) g[a][b] = wValues[a].reduce((s, v, j) => s + v * wValues[b][j], 0);
    const det = g[0][0] * g[1][1] - g[0][1] * g[1][0];
    const inv = [[g[1][1] / det, -g[0][1] / det], [-g[1][0] / det, g[0][0] / det]];
    return x.map((xi) => {
      const xw = [0, 1].map((a) => xi.reduce((s, v, j) => s + v * wValues[a][j], 0));
      return [0, 1].map((a) => inv[a][0] * xw[0] + inv[a][1] * xw[1]);
    });
  }
  const noisy = (seed: number, count: number) => {
    const rng = createRandom(seed);
    return Array.from({length: count}, () => Array.from({length: 5}, () => rng.normal()));
  };

  it('recovers the least-squares rows of noisy data against a frozen linear decoder, with the default settings', async () => {
    const W = tf.variable(tf.tensor2d(wValues));
    const decoder = moduleFromFunction((z) => tf.matMul(z, W), [W]);
    const x = noisy(1, 10);
    const data = tf.tensor2d(x);
    const {rows, loss, stepsRun, unconverged, settings} = await fitRepresentations({decoder, data, dim: 2, seed: 2});
    expect(settings).toEqual({...FIT_DEFAULTS, seed: 2});
    // The rule stops a row once its loss improves by less than 0.1% in 5 steps: on this convex
    // problem that leaves the rows within 0.02 of the float64 closed form and the loss within
    // 1e-4 (relative) of the optimum.
    const best = leastSquares(x);
    expectArraysClose(rows, best.flat(), {atol: 0.02});
    const optimal = (await samplewiseLoss(decoder, Float32Array.from(best.flat()), 2, data)).reduce((s, v) => s + v, 0) / 50;
    expect(loss).toBeLessThan(optimal * (1 + 1e-4));
    expect(unconverged).toBe(0);
    expect(stepsRun).toBeLessThan(FIT_DEFAULTS.maxSteps);
    const perSample = await samplewiseLoss(decoder, rows, 2, data);
    expectArraysClose([loss], [perSample.reduce((s, v) => s + v, 0) / 50], {rtol: 1e-5});
    expect(Array.from(W.dataSync())).toEqual(wValues.flat().map((v) => Math.fround(v))); // frozen
    tf.dispose([W, data]);
  });

  // x̂ = tanh(z·W), MSE summed per sample; per row, SGD momentum with the adaptive rate (no
  // weight decay), the loss evaluated before each of the `steps` updates and once after the last:
  //   r = tanh(zW) − x,  loss = Σ r²,  g = 2·(r ⊙ (1 − tanh²(zW)))·Wᵀ;
  //   from step 1: loss > previous → f ← f·shrink, buf ← 0; else f ← min(f·grow, maxFactor);
  //   buf ← μ·buf + f·g,  z ← z − lr·buf.  The result is the iterate with the lowest loss.
  function tanhReference(z0: number[], x: number[], steps: number, lr: number, mu: number,
    adapt: {grow: number; shrink: number; maxFactor: number} | false = {grow: 1.2, shrink: 0.5, maxFactor: 30}): number[] {
    const z = [...z0], buf = [0, 0];
    let best = [...z], bestLoss = Infinity, previous = NaN, f = 1;
    for (let t = 0; t <= steps; t++) {
      const h = [0, 1, 2, 3, 4].map((j) => Math.tanh(z[0] * wValues[0][j] + z[1] * wValues[1][j]));
      const loss = h.reduce((s, hj, j) => s + (hj - x[j]) ** 2, 0);
      if (loss < bestLoss) [bestLoss, best] = [loss, [...z]];
      if (t === steps) break;
      if (!adapt) {
        // plain SGD momentum: f stays 1
      } else if (loss > previous) {
        f *= adapt.shrink;
        buf.fill(0);
      } else if (t > 0) {
        f = Math.min(f * adapt.grow, adapt.maxFactor);
      }
      previous = loss;
      const d = h.map((hj, j) => 2 * (hj - x[j]) * (1 - hj * hj));
      for (let a = 0; a < 2; a++) {
        buf[a] = mu * buf[a] + f * d.reduce((s, dj, j) => s + dj * wValues[a][j], 0);
        z[a] -= lr * buf[a];
      }
    }
    return best;
  }

  it("per-row semantics: a row's trajectory equals a float64 per-row reference, whatever shares its pass", async () => {
    const W = tf.variable(tf.tensor2d(wValues));
    const decoder = moduleFromFunction((z) => tf.tanh(tf.matMul(z, W)), [W]);
    const x = noisy(3, 7).map((xi) => xi.map((v) => 0.5 * Math.tanh(v)));
    // The default optimizer and adaptive rate, at a rate where rows overshoot, so restarts happen.
    const optimizer = {kind: 'sgd', learningRate: 0.05} as const;
    const common = {decoder, dim: 2, optimizer, maxSteps: 12, convergence: false, seed: 4, init: 'zeros'} as const;
    // Sample 0 first among 7 in passes of 3, then beside one other sample (a different one) in a pass of 2.
    const a = tf.tensor2d(x), b = tf.tensor2d([x[0], x[5].map((v) => -v)]);
    const alone = await fitRepresentations({...common, data: a, batchSize: 3});
    const paired = await fitRepresentations({...common, data: b, batchSize: 2});
    // 12 steps in float32 against float64: 1e-5 on rows of order 1.
    for (let i = 0; i < 7; i++) {
      expectArraysClose(alone.rows.subarray(2 * i, 2 * i + 2), tanhReference([0, 0], x[i], 12, 0.05, 0.9), {atol: 1e-5});
    }
    expectArraysClose(paired.rows.subarray(0, 2), alone.rows.subarray(0, 2), {atol: 1e-6});
    // Without the adaptive rate: plain per-row SGD momentum.
    const plain = await fitRepresentations({...common, data: a, batchSize: 3, adaptiveRate: false});
    expectArraysClose(plain.rows.subarray(0, 2), tanhReference([0, 0], x[0], 12, 0.05, 0.9, false), {atol: 1e-5});
    expect(Math.abs(plain.rows[0] - alone.rows[0])).toBeGreaterThan(1e-3); // the two rules differ here
    tf.dispose([W, a, b]);
  });

  it('a row that stops improving is done and stops moving, while another runs to the cap', async () => {
    // x̂ = z ⊙ (1, 0.1), SGD lr 0.1 without momentum, zeros init, tolerance 2%, patience 3.
    // Sample [1, 0] (curvature 1): the error shrinks by 0.8 a step, the loss by 36% a step, so
    // it improves every step and runs to the cap of 15. Sample [0, 1] (curvature 0.01): its
    // loss falls 0.4% a step, 1.2% in 3 steps, never 2% below its loss at step 0: waited 1, 2,
    // 3 at steps 1–3, done at step 3 with the 3 updates of steps 0–2, although its gradient is not zero.
    const scale = tf.tensor1d([1, 0.1]);
    const decoder = moduleFromFunction((z) => tf.mul(z, scale), []);
    const data = tf.tensor2d([[1, 0], [0, 1]]);
    const active: number[] = [];
    const {rows, stepsRun, unconverged, sampleLosses} = await fitRepresentations({
      decoder, data, dim: 2, init: 'zeros', maxSteps: 15, convergence: {patience: 3, tolerance: 0.02},
      optimizer: {kind: 'sgd', learningRate: 0.1, momentum: 0}, adaptiveRate: false,
      onStep: (r) => { active.push(r.activeRows); },
    });
    // Both rows are evaluated in steps 0–3; from step 4 on only the fast one: the cost shrinks.
    expect(active).toEqual([2, 2, 2, 2, ...Array(11).fill(1)]);
    // Float64 references: z₁ after 15 steps of z ← z − 0.2·(z − 1); z₂ after 3 of z ← z − 0.02·(0.1·z − 1).
    let fast = 0, slow = 0;
    for (let t = 0; t < 15; t++) fast -= 0.2 * (fast - 1);
    for (let t = 0; t < 3; t++) slow -= 0.02 * (0.1 * slow - 1);
    expectArraysClose(rows, [fast, 0, 0, slow], {atol: 1e-6});
    expect(stepsRun).toBe(15);
    expect(unconverged).toBe(1);
    // The slow row's reported loss is that of the row it kept (its best, after 3 updates), per entry.
    expectArraysClose([sampleLosses[1]], [(1 - 0.1 * slow) ** 2 / 2], {rtol: 1e-5});
    tf.dispose([scale, data]);
  });

  it("onStep's bestRows are each sample's lowest-loss row so far, a fresh copy each call", async () => {
    // The decoder and rule of the test above: x̂ = z ⊙ (1, 0.1), zeros init, SGD lr 0.1 without
    // momentum, tolerance 2%, patience 3. Step s evaluates each active row before its update, and
    // both losses fall at every evaluation, so after step s the best row of the fast sample is
    // its row after s updates, and that of the slow one its row after min(s, 3) (done at step 3).
    const scale = tf.tensor1d([1, 0.1]);
    const decoder = moduleFromFunction((z) => tf.mul(z, scale), []);
    const data = tf.tensor2d([[1, 0], [0, 1]]);
    const seen: Float32Array[] = [];
    await fitRepresentations({
      decoder, data, dim: 2, init: 'zeros', maxSteps: 6, convergence: {patience: 3, tolerance: 0.02},
      optimizer: {kind: 'sgd', learningRate: 0.1, momentum: 0}, adaptiveRate: false,
      onStep: (r) => {
        const rows = r.bestRows();
        rows.fill(99); // a copy: the next call is not affected
        seen.push(r.bestRows());
      },
    });
    const fast = (s: number) => { let z = 0; for (let t = 0; t < s; t++) z -= 0.2 * (z - 1); return z; };
    const slow = (s: number) => { let z = 0; for (let t = 0; t < Math.min(s, 3); t++) z -= 0.02 * (0.1 * z - 1); return z; };
    expect(seen).toHaveLength(6);
    seen.forEach((rows, s) => expectArraysClose(rows, [fast(s), 0, 0, slow(s)], {atol: 1e-6}));
    tf.dispose([scale, data]);
  });

  it('restarts rescue a sample whose first start lands in the worse of two basins', async () => {
    // x̂ = z³ − 3z, target −3: the root z ≈ −2.1038 (loss 0) is reached from starts below −1;
    // from above −1, descent stops at the local minimum z = 1 of the cubic (x̂ = −2, loss 1).
    const decoder = moduleFromFunction((z) => tf.sub(tf.pow(z, 3), tf.mul(z, 3)), []);
    const data = tf.tensor2d([[-3]]);
    const common = {decoder, data, dim: 1, maxSteps: 300, seed: 1, optimizer: {kind: 'adam', learningRate: 0.05}} as const;
    // The starts are seed 1's normal draws, restart-major: 0.03 (worse basin), then −1.30 (better).
    const rng = createRandom(1);
    const starts = [rng.normal(0, 1), rng.normal(0, 1)];
    expect(starts[0]).toBeGreaterThan(-1);
    expect(starts[1]).toBeLessThan(-1);
    const one = await fitRepresentations({...common, restarts: 1});
    const two = await fitRepresentations({...common, restarts: 2});
    expectArraysClose([one.rows[0], one.sampleLosses[0]], [1, 1], {atol: 1e-2});
    expectArraysClose([two.rows[0]], [-2.1038], {atol: 1e-2});
    expect(two.sampleLosses[0]).toBeLessThan(1e-3);
    data.dispose();
  });

  it('startFrom: each sample starts at the candidate whose decoding is nearest, so one start finds the better basin', async () => {
    // The same cubic: seed 1's random start (0.03) ends in the worse basin (loss 1, see above).
    // Candidates z = 0.5 (x̂ = −1.375), −1.8 (x̂ = −0.432), −2.2 (x̂ = −4.048): nearest to −3 by
    // hand is −2.2 (|−3 + 4.048| = 1.048 < 1.625, 2.568), which lies in the better basin.
    const decoder = moduleFromFunction((z) => tf.sub(tf.pow(z, 3), tf.mul(z, 3)), []);
    const data = tf.tensor2d([[-3], [-0.4]]);
    const common = {decoder, data, dim: 1, maxSteps: 300, seed: 1, optimizer: {kind: 'adam', learningRate: 0.05}} as const;
    const fromNearest = await fitRepresentations({...common, startFrom: Float32Array.of(0.5, -1.8, -2.2)});
    expectArraysClose([fromNearest.rows[0]], [-2.1038], {atol: 1e-2});
    expect(fromNearest.sampleLosses[0]).toBeLessThan(1e-3);
    // The second sample (−0.4) is nearest to x̂(−1.8) = −0.432: its fit stays in that basin (the
    // root z ≈ −1.79), not at the roots near 0.13 or 1.66 a random start might reach.
    expect(fromNearest.rows[1]).toBeLessThan(-1.5);
    expect(fromNearest.sampleLosses[1]).toBeLessThan(5e-3);
    await expect(fitRepresentations({...common, startFrom: new Float32Array(0)})).rejects.toThrow(/startFrom must be a non-empty Float32Array of rows \[K, 1\]/);
    await expect(fitRepresentations({...common, startFrom: Float32Array.of(NaN)})).rejects.toThrow(/startFrom row 0 holds NaN/);
    data.dispose();
  });

  it('startFrom over more candidates than one block (600 > 512), 2-d rows: with maxSteps 0 each row IS its nearest candidate', async () => {
    // Candidates c_j = (j, −j/100) decode through the linear W to x̂_j; the data are x̂ of
    // candidates 3, 550 (in the second block of 512) and 599, plus a small offset, so the
    // nearest is known by construction; sample 3 sits halfway nearer to 10 than to 11.
    const W = tf.variable(tf.tensor2d(wValues));
    const decoder = moduleFromFunction((z) => tf.matMul(z, W), [W]);
    const candidates = Float32Array.from({length: 1200}, (_, i) => (i % 2 === 0 ? i / 2 : -(i - 1) / 200));
    const decode = (z: number[]) => [0, 1, 2, 3, 4].map((j) => z[0] * wValues[0][j] + z[1] * wValues[1][j]);
    const at = (j: number) => decode([j, -j / 100]).map((v) => v + 0.01);
    const data = tf.tensor2d([at(3), at(550), at(599), decode([10.3, -0.103])]);
    const {rows, stepsRun} = await fitRepresentations({decoder, data, dim: 2, maxSteps: 0, startFrom: candidates});
    expect(stepsRun).toBe(0);
    expect(Array.from(rows)).toEqual(Array.from(Float32Array.of(3, -0.03, 550, -5.5, 599, -5.99, 10, -0.1)));
    await expect(fitRepresentations({decoder, data, dim: 2, startFrom: Float32Array.of(1, 2, 3)}))
      .rejects.toThrow(/^fitRepresentations: startFrom must be a non-empty Float32Array of rows \[K, 2\], got 3 values$/);
    await expect(fitRepresentations({decoder, data, dim: 2, startFrom: [1, 2] as never}))
      .rejects.toThrow(/^fitRepresentations: startFrom must be a non-empty Float32Array of rows \[K, 2\], got object$/);
    await expect(fitRepresentations({decoder, data, dim: 2, startFrom: Float32Array.of(1, 2, 3, Infinity)}))
      .rejects.toThrow(/^fitRepresentations: startFrom row 1 holds Infinity$/);
    tf.dispose([data, W]);
  });

  it('samplewiseLoss in batches smaller than the data equals each sample\'s summed squared error by hand (float64)', async () => {
    const W = tf.variable(tf.tensor2d(wValues));
    const decoder = moduleFromFunction((z) => tf.matMul(z, W), [W]);
    const x = noisy(5, 5);
    const z = [[0.1, -0.2], [1, 0.5], [-1, 2], [0.3, 0.3], [2, -1]];
    const expected = x.map((xi, i) => xi.reduce((s, v, j) => s + (z[i][0] * wValues[0][j] + z[i][1] * wValues[1][j] - v) ** 2, 0));
    const data = tf.tensor2d(x);
    for (const batchSize of [1, 2, 5, 256]) {
      expectArraysClose(Array.from(await samplewiseLoss(decoder, Float32Array.from(z.flat()), 2, data, 'mse', batchSize)), expected, {atol: 0, rtol: 1e-5});
    }
    tf.dispose([data, W]);
  });

  it('the same seed gives the same rows; restart 0 of several is the single-start fit', async () => {
    const W = tf.variable(tf.tensor2d(wValues));
    const decoder = moduleFromFunction((z) => tf.tanh(tf.matMul(z, W)), [W]);
    const data = tf.tensor2d(noisy(5, 9).map((xi) => xi.map((v) => 0.5 * Math.tanh(v))));
    const common = {decoder, data, dim: 2, maxSteps: 20, seed: 8, batchSize: 4} as const;
    const first = await fitRepresentations(common), second = await fitRepresentations(common);
    // Determinism is bit-for-bit on one backend, so exact equality is the claim here.
    expect(Array.from(second.rows)).toEqual(Array.from(first.rows));
    const three = await fitRepresentations({...common, restarts: 3});
    for (let i = 0; i < 9; i++) expect(three.sampleLosses[i]).toBeLessThanOrEqual(first.sampleLosses[i]);
    const other = await fitRepresentations({...common, seed: 9});
    expect(Array.from(other.rows)).not.toEqual(Array.from(first.rows));
    tf.dispose([W, data]);
  });

  it('runs no weight-gradient kernel on the MNIST decoder, where a training step does', async () => {
    const decoder = createMnistDecoder({latentDim: 20, seed: 1});
    const data = tf.randomUniform([4, 28, 28, 1], 0, 1, 'float32', 2);
    const kernels = async (run: () => Promise<unknown>) =>
      new Set((await tf.profile(async () => { await run(); })).kernels.map((k) => k.name));
    const fit = await kernels(() => fitRepresentations({decoder, data, dim: 20, loss: 'bce', maxSteps: 2, convergence: false}));
    // The transposed convolutions' forward pass and their input gradient (a Conv2D) run …
    expect(fit).toContain('Conv2DBackpropInput');
    expect(fit).toContain('Conv2D');
    // … their filter gradient and the linear layer's weight gradient do not.
    expect(fit).not.toContain('Conv2DBackpropFilter');
    const table = createLatentTable({size: 4, dim: 20, seed: 3});
    const train = await kernels(async () => {
      const {optimizer} = await trainDecoder({decoder, data, table, epochs: 1, loss: 'bce', weights: {learningRate: 1e-3}});
      optimizer?.dispose();
    });
    expect(train).toContain('Conv2DBackpropFilter');
    decoder.dispose();
    data.dispose();
  });

  it('leaks no tensors', async () => {
    const W = tf.variable(tf.tensor2d(wValues));
    const decoder = moduleFromFunction((z) => tf.tanh(tf.matMul(z, W)), [W]);
    const data = tf.tensor2d(noisy(6, 5));
    await expectNoLeaksAsync(() => fitRepresentations({decoder, data, dim: 2, maxSteps: 5, restarts: 2, batchSize: 3}));
    tf.dispose([W, data]);
  });

  it('throws when the loss diverges', async () => {
    // x̂ = z at SGD lr 10: the error is multiplied by −19 each step until float32 overflows.
    const decoder = moduleFromFunction((z) => tf.mul(z, 1), []);
    const data = tf.tensor2d([[1, 2], [0.5, -1]]);
    await expect(fitRepresentations({decoder, data, dim: 2, maxSteps: 100, convergence: false,
      optimizer: {kind: 'sgd', learningRate: 10, momentum: 0}, adaptiveRate: false}))
      .rejects.toThrow(/fitRepresentations: the loss of sample \d \(restart 0\) became (Infinity|NaN) at step \d+; lower the optimizer's learningRate \(now 10\)/);
    data.dispose();
  });

  it('throws when dim differs from the decoder input, naming both numbers', async () => {
    const W = tf.variable(tf.zeros([20, 5]));
    const data = tf.zeros([3, 5]);
    const declared = {apply: (z: tf.Tensor) => tf.matMul(z, W), variables: [W], inputShape: [20]};
    await expect(fitRepresentations({decoder: declared, data, dim: 19}))
      .rejects.toThrow(/fitRepresentations: dim is 19 but the decoder takes 20-d input \(inputShape \[20\]\)/);
    const plain = moduleFromFunction((z) => tf.matMul(z, W), [W]);
    await expect(fitRepresentations({decoder: plain, data, dim: 19}))
      .rejects.toThrow(/fitRepresentations: the decoder failed on rows of shape \[3,19\] \(dim 19\); does it take 19-d input\? tfjs said: .*matMul/);
    tf.dispose([W, data]);
  });

  it('throws on bad settings or data holding NaN', async () => {
    const decoder = moduleFromFunction((z) => z, []);
    const data = tf.tensor2d([[1]]);
    await expect(fitRepresentations({decoder, data, dim: 1, restarts: 0})).rejects.toThrow(/restarts must be an integer ≥ 1, got 0/);
    expect(() => resolveFitSettings({convergence: {tolerance: 1}})).toThrow(/convergence.tolerance must lie in \[0, 1\), got 1/);
    expect(() => resolveFitSettings({init: 'zeros', restarts: 2})).toThrow(/restarts 2 with init 'zeros' would start every restart at the origin/);
    expect(() => resolveFitSettings({optimizer: {kind: 'adam', learningRate: 0.1}, adaptiveRate: {}}))
      .toThrow(/adaptiveRate needs an SGD optimizer, got 'adam'/);
    expect(resolveFitSettings({optimizer: {kind: 'adam', learningRate: 0.1}}).adaptiveRate).toBe(false);
    expect(() => resolveFitSettings({optimizer: {kind: 'sgd', learningRate: 0.1, semantics: 'dense'}}))
      .toThrow(/semantics 'dense' is a training rule/);
    const nan = tf.tensor2d([[NaN]]);
    await expect(fitRepresentations({decoder, data: nan, dim: 1})).rejects.toThrow(/fitRepresentations: data holds 1 NaN/);
    tf.dispose([data, nan]);
  });

  it('resolveFitSettings reads the deprecated epochs and plateau as maxSteps and convergence', () => {
    expect(resolveFitSettings({epochs: 30, plateau: {patience: 10, minRelativeImprovement: 1e-4}}))
      .toMatchObject({maxSteps: 30, convergence: {patience: 10, tolerance: 1e-4}});
    expect(resolveFitSettings({plateau: false}).convergence).toBe(false);
    expect(resolveFitSettings({optimizer: {kind: 'sgd', learningRate: 0.02}}).optimizer)
      .toEqual({kind: 'sgd', learningRate: 0.02, momentum: 0.9, weightDecay: 0, semantics: 'sparse'});
  });
});
