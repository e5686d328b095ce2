// Tests of the GPU check's table (tooling/gpu-check-table.mjs), on hand-made bench results, run
// records and report lines: `node --test tooling/gpu-check-table.test.mjs`.
import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {benchRows, formatTable, mergeBench, mnistRows, parseClaims, summarize} from './gpu-check-table.mjs';

describe('parseClaims', () => {
  it('reads the number, claim and verdict of each claim line, whatever bold text the detail holds', () => {
    const report = [
      '## The paper\'s claims', '',
      '1. *"On small subsets the decoder alone generalises much better"* — at N = 200, ratio **0.89** (threshold ≥ 1.15): **did not hold**.',
      '2. *"The encoder\'s load stays below 1"* — load 1 is first reached at N = **12,888**: **held**.',
      '3. *"Predicted, never tested"* — the ood scenario did not run: **not tested**.',
      'Some other line: **held**.',
    ].join('\n');
    assert.deepEqual(parseClaims(report), [
      {number: 1, claim: 'On small subsets the decoder alone generalises much better', verdict: 'did not hold'},
      {number: 2, claim: 'The encoder\'s load stays below 1', verdict: 'held'},
      {number: 3, claim: 'Predicted, never tested', verdict: 'not tested'},
    ]);
  });
});

describe('benchRows', () => {
  const gpuStep = {steps: 12, reads: 1, submits: 9, dispatches: 128, hostMs: 3.2, recordMs: 2.1, waitMs: 1.1};
  const bench = {
    workloads: [
      {backend: 'wasm', model: 'mnist', workload: 'train', threads: 1, status: 'ok', samplesPerSecond: 300},
      {backend: 'wasm', model: 'mnist', workload: 'train', threads: 2, status: 'ok', samplesPerSecond: 510},
      {backend: 'webgpu', model: 'mnist', workload: 'train', threads: 1, submitBatch: 1000, status: 'ok', samplesPerSecond: 1500},
      {backend: 'webgpu', model: 'mnist', workload: 'train', threads: 1, submitBatch: 15, status: 'ok', samplesPerSecond: 1200, gpuStep},
      {backend: 'webgpu', model: 'mnist', workload: 'train', threads: 2, status: 'skipped', note: 'threads split'},
      {backend: 'wasm', model: 'cifar-4x4', workload: 'infer', threads: 1, status: 'ok', samplesPerSecond: 20},
      {backend: 'webgpu', model: 'cifar-4x4', workload: 'infer', threads: 1, submitBatch: 15, status: 'timed out', note: 'one batch took 30 s'},
    ],
  };
  it('webgpu against wasm at one thread: tfjs\'s submit batch first, the speed-up, the GPU figures per step', () => {
    const rows = benchRows(bench);
    assert.equal(rows.length, 3);
    // 1200 / 300 = 4.00; 1500 / 300 = 5.00.
    assert.deepEqual(rows[0], {check: 'bench mnist train, samples/s', webgpu: '1200.0', wasm: '300.0', compare: 'speed-up 4.00×',
      detail: '1.00 reads, 9.0 submits, 128 dispatches per step; host 3.20 ms (recording 2.10), GPU wait 1.10 ms'});
    assert.equal(rows[1].check, 'bench mnist train (submit/1000), samples/s');
    assert.equal(rows[1].compare, 'speed-up 5.00×');
    assert.deepEqual(rows[2], {check: 'bench cifar-4x4 infer, samples/s', webgpu: 'timed out', wasm: '20.0', compare: '–',
      detail: 'webgpu: one batch took 30 s'});
  });
});

describe('mergeBench', () => {
  it('one result from a bench per backend: backends and workloads together, the machine of the first', () => {
    const gpu = {cores: 16, backends: [{backend: 'webgpu', description: 'webgpu on nvidia hopper'}], workloads: [{backend: 'webgpu'}]};
    const wasm = {cores: 16, backends: [{backend: 'wasm', description: 'wasm (SIMD)'}], workloads: [{backend: 'wasm'}]};
    assert.deepEqual(mergeBench([gpu, wasm]), {cores: 16, backends: [...gpu.backends, ...wasm.backends],
      workloads: [{backend: 'webgpu'}, {backend: 'wasm'}]});
    assert.equal(mergeBench([]), undefined);
  });
});

describe('mnistRows and summarize', () => {
  const record = (samples, model, testLoss, seconds) => ({scenario: 'sweep', samples, model, testSet: 'all', testLoss, seconds});
  const gpu = {
    records: [record(500, 'autoencoder', 0.25, 3), record(500, 'decoder', 0.202, 4)], wallSeconds: 20,
    claims: [{number: 1, claim: 'A', verdict: 'held'}, {number: 2, claim: 'B', verdict: 'not tested'}],
  };
  const wasm = {
    records: [record(500, 'decoder', 0.2, 40), record(500, 'autoencoder', 0.25, 30)], wallSeconds: 100,
    claims: [{number: 1, claim: 'A', verdict: 'did not hold'}, {number: 2, claim: 'B', verdict: 'not tested'}],
  };
  it('per point: both test losses, the relative difference and wall times; the runs\' wall times; each claim on both', () => {
    const rows = mnistRows(gpu, wasm);
    // (0.202 − 0.2) / 0.2 = +1%; the decoder first, as in the report.
    assert.deepEqual(rows[0], {check: 'mnist sweep N=500 decoder, test BCE', webgpu: '0.2020', wasm: '0.2000', compare: '+1%',
      detail: 'wall 4 s on webgpu, 40 s on wasm'});
    assert.equal(rows[1].compare, '0%');
    // 100 s / 20 s = 5.
    assert.deepEqual(rows[2], {check: 'mnist sweep, wall time', webgpu: '20 s', wasm: '100 s', compare: 'speed-up 5.00×',
      detail: 'whole run: data, every point, the report'});
    assert.deepEqual(rows.slice(3).map((r) => [r.check, r.webgpu, r.wasm, r.compare]), [
      ['mnist claim 1, verdict', 'held', 'did not hold', 'DISAGREE'],
      ['mnist claim 2, verdict', 'not tested', 'not tested', 'agree'],
    ]);
    const summary = summarize(gpu, wasm);
    assert.deepEqual([summary.claims, summary.claimsAgree, summary.largestTestLossDifference.point], [2, 1, 'N=500 decoder']);
    // |0.202 − 0.2| / 0.2 = 0.01, to float rounding.
    assert.ok(Math.abs(summary.largestTestLossDifference.difference - 0.01) < 1e-12);
  });
  it('tiny differences keep two significant digits: 0.2 against 0.2 + 4.2e-8 is −0.000021% (4.2e-8 / 0.2 = 2.1e-7)', () => {
    const near = {...wasm, records: [record(500, 'decoder', 0.2 + 4.2e-8, 40)]};
    assert.equal(mnistRows({...gpu, records: [record(500, 'decoder', 0.2, 4)]}, near)[0].compare, '−0.000021%');
  });
  it('a run that is absent shows as absent, not as agreement', () => {
    const rows = mnistRows(undefined, wasm);
    assert.deepEqual([rows[0].webgpu, rows[0].compare], ['absent', '–']);
    assert.equal(rows.find((r) => r.check === 'mnist claim 2, verdict').compare, 'DISAGREE');
  });
  it('formatTable: one markdown table, padded columns', () => {
    const text = formatTable(mnistRows(gpu, wasm).slice(0, 1));
    assert.match(text, /^\| check +\| webgpu \| wasm +\| webgpu vs wasm \| detail +\|\n\| -+ \| -+ \|/);
    assert.match(text, /\| mnist sweep N=500 decoder, test BCE \| 0\.2020 \| 0\.2000 \| \+1% +\| wall 4 s on webgpu, 40 s on wasm \|$/);
  });
});
