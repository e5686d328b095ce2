import {mkdtempSync, readFileSync, readdirSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {useBackend} from '@encoderless/backends';
import {expectNoLeaksAsync} from '@encoderless/test-utils';
import {main} from '../../cli';
import {SIMULATED_PRESETS, type SimulatedConfig} from './simulated-config';
import {checkPrediction, SIMULATED_CLAIM} from './simulated-output';
import {runSimulatedJob, type SimulatedRecord} from './simulated-jobs';

// A tiny sweep (N = 6 and 9, 2 epochs, n = 200, m = 20) through the real command: the wiring, its files and
// --resume, not the numbers.
describe('encoderless simulated (tiny sweep)', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'encoderless-sim-')), 'run');
  const args = (o: {dir?: string; epochs?: number; jobs?: number} = {}) =>
    ['simulated', '--sizes', '6,9', '--epochs', String(o.epochs ?? 2), '--data-dim', '200', '--latent-dim', '20', '--out', o.dir ?? out,
      '--backend', 'wasm', '--jobs', String(o.jobs ?? 1)];
  const argv = args();
  const read = (f: string, dir = out) => JSON.parse(readFileSync(join(dir, f), 'utf8'));
  const loss = (dir = out) => read('results.json', dir).records.find((r: SimulatedRecord) => r.samples === 6 && r.model === 'autoencoder').testLoss;

  it('writes config, points, results (JSON, CSV), timings, the figure, the report and the manifest', async () => {
    const log: string[] = [];
    expect(await main(argv, (l) => log.push(l))).toBe(0);
    expect(log[0]).toMatch(/backend wasm/);
    expect(readdirSync(out).sort()).toEqual(
      ['config.json', 'figure.svg', 'manifest.json', 'points', 'report.md', 'results.csv', 'results.json', 'timings.json']);
    const {records} = read('results.json');
    expect(records.map((r: SimulatedRecord) => `${r.samples}-${r.model}`))
      .toEqual(['6-decoder', '6-encoder', '6-autoencoder', '9-decoder', '9-encoder', '9-autoencoder']);
    for (const r of records) {
      expect(Number.isFinite(r.testLoss) && Number.isFinite(r.pcc)).toBe(true);
      expect(r.seconds).toBeUndefined(); // wall times live in timings.json
    }
    expect(Object.keys(read('timings.json').points).sort()).toEqual(['N6-autoencoder', 'N6-decoder-encoder', 'N9-autoencoder', 'N9-decoder-encoder']);
    expect(readFileSync(join(out, 'results.csv'), 'utf8').split('\n')[0]).toBe(
      'samples,model,decoderLoad,encoderLoad,trainLoss,testLoss,pcc,pccFlattened,epochs');
    expect(readFileSync(join(out, 'figure.svg'), 'utf8')).toMatch(/^<svg[\s\S]*decoder alone[\s\S]*<\/svg>\s*$/);
    const report = readFileSync(join(out, 'report.md'), 'utf8');
    expect(report).toMatch(/not tested/);
    expect(report).toMatch(/overridden by flags: --sizes 6,9 --latent-dim 20 --data-dim 200 --epochs 2 --autoencoder-epochs 4;/);
    const config = read('config.json');
    expect(config.config.sizes).toEqual([6, 9]);
    // Every inference setting lands in config.json: the full preset's step cap, fitRepresentations' defaults.
    expect(config.config.inference).toEqual({maxSteps: 500, patience: 5, tolerance: 1e-3, restarts: 1, learningRate: 0.01,
      momentum: 0.9, adaptiveRate: true, batchSize: 256, initStd: 1});
    expect(read('manifest.json').files).toEqual(['figure.svg', 'report.md', 'results.csv', 'results.json', 'timings.json']);
  });

  it('--resume keeps finished points (a marked point survives) and computes none again', async () => {
    const point = join(out, 'points', 'N6-autoencoder.json');
    const saved = JSON.parse(readFileSync(point, 'utf8'));
    saved.records[0].testLoss = 123;
    writeFileSync(point, JSON.stringify(saved));
    const lines: string[] = [];
    await main([...argv, '--resume'], (l) => lines.push(l));
    expect(lines.join('\n')).toMatch(/resuming: 4 of 4 jobs already done/);
    expect(loss()).toBe(123);
  });

  it('--resume with other settings refuses, naming the difference, and changes nothing', async () => {
    const before = readFileSync(join(out, 'results.json'), 'utf8');
    await expect(main([...args({epochs: 3}), '--resume'], () => {}))
      .rejects.toThrow(/holds a run with other settings \(--epochs: 2 there, 3 now\); nothing was changed/);
    expect(readFileSync(join(out, 'results.json'), 'utf8')).toBe(before);
  });

  it('the same command again without --resume is refused (it used to delete every point)', async () => {
    await expect(main(argv, () => {})).rejects.toThrow(/already holds a simulated run \(4 finished points\); nothing was changed: add --resume/);
    expect(loss()).toBe(123);
  });

  it('--overwrite starts over (the marked point is recomputed)', async () => {
    await main([...argv, '--overwrite'], () => {});
    expect(loss()).not.toBe(123);
  });

  // Identical, not close: each job seeds itself, so the worker it lands on cannot matter.
  it('--jobs 2 (two worker threads) gives a results.json identical to --jobs 1', async () => {
    const out2 = join(mkdtempSync(join(tmpdir(), 'encoderless-sim-')), 'run');
    await main(args({dir: out2, jobs: 2}), () => {});
    expect(readFileSync(join(out2, 'results.json'), 'utf8')).toBe(readFileSync(join(out, 'results.json'), 'utf8'));
  });
});

describe('simulated jobs in this thread (wasm)', () => {
  const quick = SIMULATED_PRESETS.quick;
  const tiny: SimulatedConfig = {...quick, sizes: [6], latentDim: 6, dataDim: 60, testSamples: 8, epochs: 2, autoencoderEpochs: 2,
    inference: {...quick.inference, maxSteps: 2}};
  beforeAll(async () => { await useBackend('wasm'); });

  // The old jobs never disposed the Adam optimisers trainDecoder and trainAutoencoder return: 8 tensors a job.
  it.each(['decoder', 'autoencoder'] as const)('the %s job leaves no tensor behind (after a warm-up job)', async (kind) => {
    await expectNoLeaksAsync(() => runSimulatedJob(tiny, {key: 'k', work: 1, params: {samples: 6, kind}}, () => {}).then(() => undefined));
  });
});

describe('the simulated prediction check', () => {
  const record = (model: SimulatedRecord['model'], pcc: number, decoderLoad = 6): SimulatedRecord => ({
    model, samples: 100, decoderLoad, encoderLoad: 0.1, trainLoss: 1, testLoss: 1, pcc, pccFlattened: 0, epochs: 1, seconds: 1,
  });

  it('held: decoder ≥ 0.95 and both others ≥ 0.05 below; did not hold otherwise; not tested below load 5', () => {
    const held = checkPrediction([record('decoder', 0.97), record('encoder', 0.6), record('autoencoder', 0.9)]);
    expect(held.map((c) => c.verdict)).toEqual(['held']);
    expect(held[0].detail).toMatch(/decoder \|PCC\| \*\*0\.970\*\* \(threshold ≥ 0\.95\).*ahead by \*\*0\.070\*\* \(threshold ≥ 0\.05\)/);
    expect(checkPrediction([record('decoder', 0.97), record('encoder', 0.6), record('autoencoder', 0.95)])[0].verdict).toBe('did not hold');
    expect(checkPrediction([record('decoder', 0.9), record('encoder', 0.1), record('autoencoder', 0.1)])[0].verdict).toBe('did not hold');
    const low = checkPrediction([record('decoder', 0.97, 3), record('encoder', 0.6, 3), record('autoencoder', 0.6, 3)]);
    expect(low).toEqual([{claim: SIMULATED_CLAIM.words, verdict: 'not tested', detail: expect.stringMatching(/No size with decoder load ≥ 5/)}]);
  });
});
