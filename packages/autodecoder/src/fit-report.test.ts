import {useBackend} from '@encoderless/backends';
import {renderScatterChart} from '@encoderless/report';
import {fitAutoDecoder, formatFitReport, lossCurve, representationMap, summarizeFit} from './index';

describe('fit reports (wasm)', () => {
  beforeAll(async () => { await useBackend('wasm'); });
  const data = Array.from({length: 20}, (_, i) => [Math.sin(i), Math.cos(i), i % 3]);

  it('summarizeFit gives the decoder load of eq. 3 and warns below 1', async () => {
    // MLP 2 → 8 → 3: 2·8+8 + 8·3+3 = 51 weights; N = 16 training samples (4 held out), n = 3, m = 2:
    // load = 16·3 / (51 + 16·2) = 48/83 < 1.
    const model = await fitAutoDecoder(data, {latentDim: 2, epochs: 2, decoder: {kind: 'mlp', hidden: [8]}, validation: {fraction: 0.2, every: 1}});
    const s = summarizeFit(model);
    expect([s.trainingSamples, s.validationSamples, s.parameters]).toEqual([16, 4, 51]);
    expect(s.decoderLoad).toBeCloseTo(48 / 83, 12);
    expect(s.loadWarning).toMatch(/decoder load 0.58 < 1: .*\(51 weights \+ 16·2 representation values\) than the data has numbers \(16·3\)/);
    expect(s.bestValidationLoss).toBe(Math.min(...model.history.map((r) => r.validationLoss!)));
    const text = formatFitReport(s);
    expect(text).toMatch(/\*\*Warning:\*\* decoder load 0.58 < 1/);
    expect(text).toMatch(/\| decoder \| mlp-decoder, 51 parameters \|/);
    expect(text).toMatch(/\| epochs \| 2 of 2 \(epochs\) \|/);
    const curve = lossCurve(model);
    expect(curve.series.map((c) => [c.label, c.points.length])).toEqual([['training', 2], ['validation', 2]]);
    model.dispose();
  });

  it('no warning at a load above 1', async () => {
    const model = await fitAutoDecoder(data, {latentDim: 1, epochs: 1, decoder: {kind: 'mlp', hidden: []}});
    expect(summarizeFit(model).loadWarning).toBeNull(); // 20·3 / (1·3+3 + 20·1) = 60/26
    model.dispose();
  });

  it('representationMap: one series per label in order of appearance, axes titled with the variance explained', () => {
    const reps = [[0, 0, 1], [1, 1, 0], [2, 2.1, 1], [3, 2.9, 0]];
    const map = representationMap(reps, {labels: ['b', 'a', 'b', 'a']});
    expect(map.series.map((s) => [s.label, s.points.length])).toEqual([['b', 2], ['a', 2]]);
    expect(map.xLabel).toMatch(/^PC 1 \(\d+\.\d% of the variance\)$/);
    expect(renderScatterChart(map)).toMatch(/<svg/);
    expect(representationMap(reps).legend).toBe('none');
    expect(() => representationMap(reps, {labels: ['a']})).toThrow(/labels has 1 entries, representations 4/);
  });
});
