import {existsSync, readFileSync} from 'node:fs';
import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {PNG} from 'pngjs';
import * as tf from '@tensorflow/tfjs-core';
import {useBackend} from '@encoderless/backends';
import {createCifarDecoder, createCifarEncoder} from '@encoderless/models';
import {createRandom} from '@encoderless/random';
import {CIFAR_QUICK, resolveCifarConfig, type CifarConfig} from './cifar-config';
import {runCifarJob, shareImages, type CifarJobArgs, type CifarRecord} from './cifar';
import {cifarJobs, loadCifarInputs} from './cifar-data';
import {checkCifarClaims, renderCifarGrid, summariseCifarSubsets, type CifarSummary} from './cifar-output';
import {runCifarCommand} from './run-cifar';

// Real models and the real pipeline at toy sizes (the 4x4 models: the fast ones): the wiring and
// the bookkeeping, not the paper's numbers.

/** `count` random 32×32 RGB images in [0, 1], and labels cycling over `classes`. */
function toySplit(count: number, classes: number, seed: number) {
  const rng = createRandom(seed);
  const images = Float32Array.from({length: count * 3072}, () => rng.uniform());
  const labels = Int32Array.from({length: count}, (_, i) => i % classes);
  return {images, labels, count, shape: [count, 32, 32, 3] as const};
}

const tiny: CifarConfig = {
  ...CIFAR_QUICK, preset: 'quick', sizes: [2], seeds: 2, epochs: 2, curvePerClass: 2, curveEpochs: 3,
  curveEvalEpochs: [1, 3], gridEpochs: [1, 3], testFraction: 0.5, testEpochs: 3, batchSize: 4, gridImages: 2,
};

function jobArgs(model: CifarJobArgs['model'], overrides: Partial<CifarJobArgs> = {}): CifarJobArgs {
  return {
    config: tiny, scenario: 'curves', model, perClass: 4, seedIndex: 0, epochs: 3, evalEpochs: [1, 3], gridEpochs: [3],
    data: {train: shareImages(toySplit(8, 2, 1)), test: shareImages(toySplit(6, 2, 2))},
    trainRows: Int32Array.from([0, 1, 2, 3, 4, 5, 6, 7]), testRows: Int32Array.from([0, 1, 2, 3]), gridRows: Int32Array.from([4, 5]),
    ...overrides,
  };
}

describe('cifar config', () => {
  it('--epochs sets the subset and curve epochs; eval and grid epochs are cut to it and end with it', () => {
    const c = resolveCifarConfig({epochs: 30});
    expect([c.epochs, c.curveEpochs]).toEqual([30, 30]);
    expect(c.curveEvalEpochs).toEqual([1, 2, 5, 10, 20, 30]);
    expect(c.gridEpochs).toEqual([1, 10, 30]);
    expect(resolveCifarConfig({models: 'autoencoder_4x4,decoder_1x1'}).models).toEqual(['decoder_1x1', 'autoencoder_4x4']);
  });

  it('throws naming the flag on an unknown model or scenario, or a bad count or fraction', () => {
    expect(() => resolveCifarConfig({models: 'decoder_2x2'})).toThrow(/unknown model 'decoder_2x2'; expected decoder_1x1, /);
    expect(() => resolveCifarConfig({scenario: 'curves,figure'})).toThrow(/unknown scenario 'figure'/);
    expect(() => resolveCifarConfig({seeds: 0})).toThrow(/--seeds must be positive, got 0/);
    expect(() => resolveCifarConfig({'test-fraction': 1.5})).toThrow(/--test-fraction must be in \(0, 1\], got 1.5/);
  });
});

describe('cifar jobs (wasm, toy sizes)', () => {
  beforeAll(async () => { await useBackend('wasm'); });

  it('decoder_4x4: test loss after the chosen epochs, grids after others, the paper\'s load', async () => {
    let ticks = 0;
    const before = tf.memory().numTensors;
    const [r] = await runCifarJob(jobArgs('decoder_4x4'), () => { ticks++; });
    expect(tf.memory().numTensors).toBe(before);
    expect(ticks).toBe(3);
    expect(r.curve.map((p) => p.epoch)).toEqual([1, 3]);
    expect(r.testLoss).toBe(r.curve[1].testLoss);
    expect(r.testImages).toBe(4);
    expect(r.grids.map((g) => g.epoch)).toEqual([3]);
    expect(r.grids[0].pixels).toHaveLength(2);
    expect(r.grids[0].pixels[0]).toHaveLength(3072);
    expect(r.grids[0].pixels[0].every((v) => Number.isInteger(v) && v >= 0 && v <= 255)).toBe(true);
    // eq. 3 with the model's own weight count: N·n / (W + N·m), n = 3072, m = 1024.
    expect(r.decoderLoad).toBeCloseTo(8 * 3072 / (r.weights + 8 * 1024), 10);
    // Uniform noise in [0, 1] has variance 1/12 around 0.5; any sane fit is near it, not far above.
    expect(r.testLoss).toBeGreaterThan(0.02);
    expect(r.testLoss).toBeLessThan(0.3);
  });

  it('autoencoder_4x4 leaves no tensor behind (after a warm-up job)', async () => {
    await runCifarJob(jobArgs('autoencoder_4x4', {epochs: 1, evalEpochs: [], gridEpochs: []}), () => {});
    const before = tf.memory().numTensors;
    await runCifarJob(jobArgs('autoencoder_4x4'), () => {});
    expect(tf.memory().numTensors).toBe(before);
  });

  it('the same arguments give the same numbers; another seed gives others', async () => {
    const a = (await runCifarJob(jobArgs('autoencoder_4x4'), () => {}))[0];
    const b = (await runCifarJob(jobArgs('autoencoder_4x4'), () => {}))[0];
    const c = (await runCifarJob(jobArgs('autoencoder_4x4', {seedIndex: 1}), () => {}))[0];
    expect(b.testLoss).toBe(a.testLoss);
    expect(b.grids[0].pixels).toEqual(a.grids[0].pixels);
    expect(c.testLoss).not.toBe(a.testLoss);
    // An autoencoder's weights are the decoder's and the encoder's, counted by the models.
    const dec = createCifarDecoder({variant: '4x4'}), enc = createCifarEncoder({variant: '4x4'});
    expect(a.weights).toBe(dec.countParameters() + enc.countParameters());
    dec.dispose(); enc.dispose();
  });

  it('a curve run standing for a subset point reports exactly what the separate subset job measures', async () => {
    for (const model of ['decoder_4x4', 'autoencoder_4x4'] as const) {
      const [alone] = await runCifarJob(jobArgs(model, {scenario: 'subsets', epochs: 2, evalEpochs: [], gridEpochs: [2]}), () => {});
      const [curve, sub] = await runCifarJob(jobArgs(model, {epochs: 3, evalEpochs: [1, 3], gridEpochs: [3], subsetEpoch: 2}), () => {});
      expect(curve.scenario).toBe('curves');
      expect(curve.curve.map((p) => p.epoch)).toEqual([1, 3]);
      expect(sub.scenario).toBe('subsets');
      expect(sub.epochs).toBe(2);
      expect([sub.testLoss, sub.trainLoss]).toEqual([alone.testLoss, alone.trainLoss]);
      expect(sub.grids).toEqual(alone.grids);
    }
  });

  it('the autoencoder\'s training loss falls over 15 epochs on 8 images', async () => {
    const [r] = await runCifarJob(jobArgs('autoencoder_4x4', {epochs: 15, evalEpochs: [1], gridEpochs: []}), () => {});
    expect(r.curve[1].runningTrainLoss).toBeLessThan(0.8 * r.curve[0].runningTrainLoss);
  });
});

describe('cifar inputs and jobs', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cifar-runner-'));
    // 3 classes; train: 4 per class; test: 2 per class. Every pixel of image k of class c is 10c + k.
    for (const [split, perClass] of [['train', 4], ['test', 2]] as const) {
      for (const cls of ['cat', 'dog', 'emu']) {
        await mkdir(join(dir, split, cls), {recursive: true});
        for (let k = 0; k < perClass; k++) {
          const image = new PNG({width: 32, height: 32});
          image.data = Buffer.alloc(32 * 32 * 4, 10 * ['cat', 'dog', 'emu'].indexOf(cls) + k);
          for (let i = 3; i < image.data.length; i += 4) image.data[i] = 255;
          await writeFile(join(dir, split, cls, `${k}.png`), PNG.sync.write(image));
        }
      }
    }
  });
  afterAll(async () => { await rm(dir, {recursive: true, force: true}); });

  it('an image folder: grid images are the first of each class in turn; the test fraction is class-balanced', async () => {
    const inputs = await loadCifarInputs({...tiny, gridImages: 4}, {dataDir: dir, log: () => {}});
    expect(inputs.format).toBe('image-folder');
    expect(inputs.train.images.buffer).toBeInstanceOf(SharedArrayBuffer);
    // test rows: cat 0,1 · dog 2,3 · emu 4,5 → first of each class, then the second of cat.
    expect(Array.from(inputs.gridRows)).toEqual([0, 2, 4, 1]);
    expect(Array.from(inputs.testRows, (r) => inputs.test.labels[r]).sort()).toEqual([0, 1, 2]); // half of 2 per class
  });

  it('jobs: one per model, size and seed, plus the curves; models of one seed share rows, seeds differ', async () => {
    const inputs = await loadCifarInputs(tiny, {dataDir: dir, log: () => {}});
    const config = {...tiny, sizes: [1, 2], curvePerClass: 3, models: ['decoder_4x4', 'autoencoder_4x4'] as const};
    const jobs = cifarJobs(config, inputs);
    expect(jobs).toHaveLength(2 * 2 * 2 + 2);
    const args = (key: string) => jobs.find((j) => j.key === key)!.args as CifarJobArgs;
    expect(args('subsets-decoder_4x4-2pc-seed0').trainRows).toEqual(args('subsets-autoencoder_4x4-2pc-seed0').trainRows);
    expect(args('subsets-decoder_4x4-2pc-seed0').trainRows).not.toEqual(args('subsets-decoder_4x4-2pc-seed1').trainRows);
    expect(args('subsets-decoder_4x4-2pc-seed0').gridEpochs).toEqual([2]);
    expect(args('subsets-decoder_4x4-2pc-seed1').gridEpochs).toEqual([]);
    expect(args('curves-autoencoder_4x4-3pc').evalEpochs).toEqual([1, 3]);
    expect(jobs.every((j) => Number.isInteger(j.work) && j.work > 0)).toBe(true);
    expect(args('curves-autoencoder_4x4-3pc').subsetEpoch).toBeUndefined(); // 3 per class is not a subset size…
    // …with 2 it is: the first seed's subset jobs at 2 per class are the curve runs.
    const sharing = cifarJobs({...config, curvePerClass: 2}, inputs);
    expect(sharing).toHaveLength(2 * 2 * 2 - 2 + 2);
    expect(sharing.map((j) => j.key)).not.toContain('subsets-decoder_4x4-2pc-seed0');
    expect(sharing.find((j) => j.key === 'curves-decoder_4x4-2pc')!.args).toMatchObject({subsetEpoch: 2});
    expect(() => cifarJobs({...config, sizes: [5]}, inputs)).toThrow(/class 0 \(cat\) has 4 rows, fewer than the 5 per class/);
  });

  it('the command end to end: every output file, then --resume recomputes nothing', async () => {
    const out = join(dir, 'run');
    const flags = {
      quick: true, sizes: [2], seeds: 2, epochs: 1, 'curve-size': 2, models: 'decoder_4x4,autoencoder_4x4', 'test-fraction': 0.5,
      'test-epochs': 2, 'data-dir': dir, out, jobs: 1,
    };
    const lines: string[] = [];
    await runCifarCommand(flags, (l) => lines.push(l));
    for (const f of ['config.json', 'results.json', 'results.csv', 'report.md', 'subsets.svg', 'curves.svg',
      'reconstructions-2-per-class.png', 'reconstructions-curves-epoch1.png']) {
      expect(existsSync(join(out, f))).toBe(true);
    }
    const report = readFileSync(join(out, 'report.md'), 'utf8');
    expect(report).toMatch(/autoencoder_4x4 \/ decoder_4x4 ratio is \d+\.\d\d/);
    const first = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    // 2 per class is also the curve size: the curve runs stand for seed 0's subset points (4 jobs, not 6).
    expect(first.summary.map((s: CifarSummary) => [s.model, s.seeds])).toEqual([['decoder_4x4', 2], ['autoencoder_4x4', 2]]);
    const again: string[] = [];
    await runCifarCommand({...flags, resume: true}, (l) => again.push(l));
    expect(again.join('\n')).toMatch(/resuming: 4 of 4 jobs already done/);
    expect(JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')).summary).toEqual(first.summary);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toMatch(/wall time [\d.]+ min \(this invocation only: 4 of 4 jobs were done before it\)/);
    // Other images are other settings: refused before any data is read.
    await expect(runCifarCommand({...flags, resume: true, 'data-dir': join(dir, 'elsewhere')}, () => {}))
      .rejects.toThrow(/was made with other settings \(data: .*elsewhere/);
  }, 60_000);

  it('a size larger than a class, or a test fraction below one image per class, names the flag', async () => {
    const flags = {quick: true, sizes: [9], 'test-fraction': 0.5, 'data-dir': dir, out: join(dir, 'big'), jobs: 1};
    await expect(runCifarCommand(flags, () => {})).rejects.toThrow(/encoderless cifar --sizes 9: balancedSubset: class 0 \(cat\) has 4 rows/);
    await expect(runCifarCommand({...flags, 'test-fraction': 0.01}, () => {}))
      .rejects.toThrow(/--test-fraction 0.01: balancedFraction: fraction 0.01 of 6 rows in 3 classes is 0 per class/);
  });

  it('an image of the wrong size names the file and the --resize flag', async () => {
    const bad = join(dir, 'bad');
    await mkdir(join(bad, 'train', 'cat'), {recursive: true});
    await mkdir(join(bad, 'test', 'cat'), {recursive: true});
    const small = new PNG({width: 8, height: 8});
    small.data = Buffer.alloc(8 * 8 * 4, 255);
    await writeFile(join(bad, 'train', 'cat', 'x.png'), PNG.sync.write(small));
    await writeFile(join(bad, 'test', 'cat', 'x.png'), PNG.sync.write(small));
    await expect(runCifarCommand({quick: true, 'data-dir': bad, out: join(dir, 'badrun'), jobs: 1}, () => {}))
      .rejects.toThrow(/train\/cat\/x\.png is 8×8 .*--resize does that/);
  });
});

describe('cifar output', () => {
  const record = (model: CifarRecord['model'], seedIndex: number, testLoss: number): CifarRecord => ({
    scenario: 'subsets', model, perClass: 50, samples: 500, seedIndex, decoderLoad: 1, encoderLoad: 0.1, weights: 10,
    trainLoss: testLoss / 2, testLoss, testImages: 1000, epochs: 100, curve: [], grids: [], seconds: 10,
  });

  it('summarises seeds: mean, sample std, min and max (by hand: 1, 2, 3 → 2, 1, 1, 3)', () => {
    const [s] = summariseCifarSubsets([record('decoder_1x1', 0, 1), record('decoder_1x1', 1, 3), record('decoder_1x1', 2, 2)]);
    expect([s.testLoss, s.testStd, s.testMin, s.testMax, s.seeds]).toEqual([2, 1, 1, 3, 3]);
  });

  it('the "three times" claim: held at ratio 3, not at 1.5', () => {
    const summary = (ae: number): CifarSummary[] => summariseCifarSubsets([record('decoder_1x1', 0, 0.01), record('autoencoder_1x1', 0, ae)]);
    expect(checkCifarClaims(summary(0.03))[0]).toMatch(/ratio \*\*3\.00\*\*: held/);
    // Numbered in order whichever claims apply (no 4x4 models here: three, not 1, 2, 4).
    expect(checkCifarClaims(summary(0.03)).map((l) => l.slice(0, 3))).toEqual(['1. ', '2. ', '3. ']);
    expect(checkCifarClaims(summary(0.015))[0]).toMatch(/ratio \*\*1\.50\*\*: did not hold: the autoencoder is worse, but by less than 2×/);
  });

  it('a grid PNG: originals plus one row per record, 32·3-pixel tiles with 2-pixel padding', () => {
    const originals = new Float32Array(3 * 3072).fill(0.5);
    const withGrid = (m: CifarRecord['model']) => ({...record(m, 0, 1), grids: [{epoch: 100, pixels: [0, 1, 2].map(() => new Array(3072).fill(255))}]});
    const png = PNG.sync.read(Buffer.from(renderCifarGrid(originals, [withGrid('decoder_1x1'), withGrid('autoencoder_1x1')], 100)!));
    expect([png.width, png.height]).toEqual([3 * 96 + 4 * 2, 3 * 96 + 4 * 2]);
    expect(renderCifarGrid(originals, [withGrid('decoder_1x1')], 7)).toBeNull();
  });
});
