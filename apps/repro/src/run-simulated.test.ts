import {mkdtempSync, readFileSync, writeFileSync, readdirSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {runSimulatedCommand} from './run-simulated';

// A tiny sweep (N = 6 and 9, 2 epochs) through the real pipeline: the runner's wiring, its
// files and --resume, not the numbers.
describe('encoderless simulated (tiny sweep)', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'encoderless-sim-')), 'run');
  const flags = {sizes: [6, 9], epochs: 2, out, backend: 'wasm', jobs: 1};
  const log: string[] = [];
  const read = (f: string) => JSON.parse(readFileSync(join(out, f), 'utf8'));

  it('writes config, points, results (JSON, CSV), the figure and the report', async () => {
    await runSimulatedCommand(flags, (l) => log.push(l));
    expect(log[0]).toMatch(/backend wasm/);
    expect(readdirSync(out).sort()).toEqual(['config.json', 'figure.svg', 'points', 'report.md', 'results.csv', 'results.json']);
    const {records} = read('results.json');
    expect(records.map((r: {samples: number; model: string}) => `${r.samples}-${r.model}`))
      .toEqual(['6-decoder', '6-encoder', '6-autoencoder', '9-decoder', '9-encoder', '9-autoencoder']);
    for (const r of records) {
      expect(Number.isFinite(r.testLoss) && Number.isFinite(r.pcc)).toBe(true);
    }
    expect(readFileSync(join(out, 'results.csv'), 'utf8').split('\n')[0]).toBe(
      'samples,model,decoderLoad,encoderLoad,trainLoss,testLoss,pcc,pccFlattened,epochs,seconds');
    expect(readFileSync(join(out, 'figure.svg'), 'utf8')).toMatch(/^<svg[\s\S]*decoder alone[\s\S]*<\/svg>\s*$/);
    const report = readFileSync(join(out, 'report.md'), 'utf8');
    expect(report).toMatch(/No size with decoder load ≥ 5/);
    expect(report).toMatch(/overridden by flags: epochs=2, autoencoderEpochs=4, testEpochs=50/);
    expect(read('config.json').settings.sizes).toEqual([6, 9]);
  });

  it('--resume keeps finished points (a marked point survives) and computes none again', async () => {
    const point = join(out, 'points', 'N6-autoencoder.json');
    const saved = JSON.parse(readFileSync(point, 'utf8'));
    saved[0].testLoss = 123;
    writeFileSync(point, JSON.stringify(saved));
    const lines: string[] = [];
    await runSimulatedCommand({...flags, resume: true}, (l) => lines.push(l));
    expect(lines.join('\n')).toMatch(/resuming: 4 of 4 jobs already done/);
    expect(read('results.json').records.find((r: {samples: number; model: string}) => r.samples === 6 && r.model === 'autoencoder').testLoss).toBe(123);
  });

  it('--resume with other settings refuses, naming the difference', async () => {
    await expect(runSimulatedCommand({...flags, epochs: 3, resume: true}, () => {}))
      .rejects.toThrow(/was made with other settings \(epochs: 2 in the folder, 3 now\)/);
  });

  it('without --resume the folder starts over', async () => {
    await runSimulatedCommand(flags, () => {});
    expect(read('results.json').records.find((r: {samples: number; model: string}) => r.samples === 6 && r.model === 'autoencoder').testLoss).not.toBe(123);
  });

  // Bit-identical, not close: each job seeds itself, so the worker it lands on cannot matter.
  it('--jobs 2 (two worker threads) gives the same numbers as --jobs 1', async () => {
    const serial = read('results.json').records;
    const out2 = join(mkdtempSync(join(tmpdir(), 'encoderless-sim-')), 'run');
    await runSimulatedCommand({...flags, out: out2, jobs: 2}, () => {});
    const parallel = JSON.parse(readFileSync(join(out2, 'results.json'), 'utf8')).records;
    const strip = (rs: {seconds: number}[]) => rs.map(({seconds: _s, ...rest}) => rest);
    expect(strip(parallel)).toEqual(strip(serial));
  });
});
