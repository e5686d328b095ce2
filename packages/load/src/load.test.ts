import {expectArraysClose} from '@encoderless/test-utils';
import {
  decoderLoad,
  encoderLoad,
  decoderLoadLimit,
  samplesForDecoderLoad,
  samplesForEncoderLoad,
  tabulateLoads,
  BadLoadArgumentError,
} from './index';

// The paper's MNIST conv decoder, weights and biases (hand count):
//   Linear 20→6272:          20·6272 + 6272   = 125,440 + 6,272  = 131,712
//   ConvT 128→64, k=4:       128·64·4·4 + 64  = 131,072 + 64     = 131,136
//   ConvT 64→1,  k=4:        64·1·4·4 + 1     = 1,024 + 1        =   1,025
//                                                          total = 263,873
const mnistDecoder = {dataDim: 784, latentDim: 20, weights: 131_712 + 131_136 + 1_025};
const mnistEncoder = {latentDim: 20, weights: 257_748};
// The simulated net (Section 3.3): n = 1000, m = 100, connectivity 0.1, so
// 0.1·100·1000 = 10,000 unmasked weights + 1,000 biases = 11,000 free parameters.
const simulated = {dataDim: 1000, latentDim: 100, weights: 10_000 + 1_000};

// Loads are a handful of float64 operations: relative error a few ulp, so rtol 1e-12.
const tight = {atol: 0, rtol: 1e-12};

describe('decoderLoad (eq. 3)', () => {
  it('MNIST conv decoder W=263,873 at N=4000, n=784, m=20 is ≈ 9.12', () => {
    expect(mnistDecoder.weights).toBe(263_873);
    // 4000·784 / (263,873 + 4000·20) = 3,136,000 / 343,873 = 9.11964591…
    const load = decoderLoad({samples: 4000, ...mnistDecoder});
    expectArraysClose(load, 3_136_000 / 343_873, tight);
    expectArraysClose(load, 9.1196459, {atol: 1e-7, rtol: 0});
    expect(load.toFixed(1)).toBe('9.1');
  });

  it('tiny case N=2, n=3, m=1, W=4: 6/6 = 1 exactly', () => {
    expect(decoderLoad({samples: 2, dataDim: 3, latentDim: 1, weights: 4})).toBe(1);
  });

  it('simulated net n=1000, m=100, W=11,000 rises towards 10 and never reaches it', () => {
    // N = 1000: 1e6 / (11,000 + 1e5) = 9.009…; N = 1e6: 1e9 / (11,000 + 1e8) = 9.99890…
    const ns = [10, 100, 1000, 10_000, 100_000, 1_000_000];
    const loads = ns.map((samples) => decoderLoad({samples, ...simulated}));
    expectArraysClose(loads[2], 1e6 / 111_000, tight);
    expectArraysClose(loads[5], 1e9 / 100_011_000, tight);
    for (let i = 1; i < loads.length; i++) expect(loads[i]).toBeGreaterThan(loads[i - 1]);
    expect(loads[5]).toBeLessThan(10);
    // The gap to the limit is n·W / (m·(W + N·m)) = 1.1e7 / (100·100,011,000) ≈ 1.1e-3.
    expectArraysClose(10 - loads[5], 11e6 / (100 * 100_011_000), {atol: 0, rtol: 1e-9});
    expect(decoderLoadLimit(simulated)).toBe(10);
  });
});

describe('encoderLoad (eq. 5)', () => {
  it('MNIST encoder W=257,748, m=20 reaches 1 between N=10,000 and N=15,000', () => {
    // 10,000·20 / 257,748 = 0.7760…; 15,000·20 / 257,748 = 1.1639…
    const at10k = encoderLoad({samples: 10_000, ...mnistEncoder});
    const at15k = encoderLoad({samples: 15_000, ...mnistEncoder});
    expectArraysClose([at10k, at15k], [200_000 / 257_748, 300_000 / 257_748], tight);
    expect(at10k).toBeLessThan(1);
    expect(at15k).toBeGreaterThan(1);
  });
  it('tiny case N=3, m=2, W=4: 6/4 = 1.5 exactly', () => {
    expect(encoderLoad({samples: 3, latentDim: 2, weights: 4})).toBe(1.5);
  });
});

describe('decoderLoadLimit (eq. 4)', () => {
  it('MNIST n=784, m=20 is 39.2; n=m is 1', () => {
    expectArraysClose(decoderLoadLimit({dataDim: 784, latentDim: 20}), 39.2, tight);
    expect(decoderLoadLimit({dataDim: 5, latentDim: 5})).toBe(1);
  });
});

describe('samplesForDecoderLoad', () => {
  it('MNIST decoder load 1 needs N = ceil(263,873 / (784 − 20)) = ceil(345.38…) = 346', () => {
    const n = samplesForDecoderLoad(1, mnistDecoder);
    expect(n).toBe(346);
    expect(decoderLoad({samples: n, ...mnistDecoder})).toBeGreaterThanOrEqual(1);
    expect(decoderLoad({samples: n - 1, ...mnistDecoder})).toBeLessThan(1);
  });
  it('simulated net: load 5 needs 5·11,000/(1000−500) = 110 exactly; load 9.9 needs 10,890', () => {
    // 110·1000 / (11,000 + 110·100) = 110,000 / 22,000 = 5 exactly, so N = 110 (not 111).
    expect(samplesForDecoderLoad(5, simulated)).toBe(110);
    expect(samplesForDecoderLoad(9.9, simulated)).toBe(10_890);
  });
  it('is the smallest N for every target on a grid (checked against decoderLoad)', () => {
    for (let target = 0.25; target < 9.9; target += 0.35) {
      const n = samplesForDecoderLoad(target, simulated);
      expect(decoderLoad({samples: n, ...simulated})).toBeGreaterThanOrEqual(target);
      if (n > 1) expect(decoderLoad({samples: n - 1, ...simulated})).toBeLessThan(target);
    }
  });
  it('where the closed form lands just above an integer (float rounding), the integer itself: load 9.8 at n/m = 10, W = 1000', () => {
    // 9.8·1000 / (1000 − 9.8·100) = 490.0000000000028 in float64, so the ceiling is 491; but
    // 490·1000 / (1000 + 490·100) = 490,000 / 50,000 = 9.8 exactly: N = 490.
    expect(samplesForDecoderLoad(9.8, {dataDim: 1000, latentDim: 100, weights: 1000})).toBe(490);
  });
  it('a target already met at N=1 gives 1', () => {
    // N=1: 1000 / (11,000 + 100) = 0.0900…
    expect(samplesForDecoderLoad(0.05, simulated)).toBe(1);
  });
  it('throws when the target is at or above the limit n/m', () => {
    expect(() => samplesForDecoderLoad(10, simulated)).toThrow(BadLoadArgumentError);
    expect(() => samplesForDecoderLoad(10, simulated))
      .toThrow(/^samplesForDecoderLoad: target must be below the limit n\/m = 1000\/100 = 10, .*got 10;/);
    expect(() => samplesForDecoderLoad(40, mnistDecoder)).toThrow(/limit n\/m = 784\/20 = 39.2.*got 40/);
  });
  it('throws when the target needs more samples than a safe integer', () => {
    expect(() => samplesForDecoderLoad(10 - 1e-13, simulated)).toThrow(/more than a safe integer/);
  });
  it.each([[0], [-1], [NaN], [Infinity]])('throws when target is %p', (target) => {
    expect(() => samplesForDecoderLoad(target, simulated))
      .toThrow(new RegExp(`^samplesForDecoderLoad: target must be a finite number > 0, got ${target}$`));
  });
});

describe('samplesForEncoderLoad', () => {
  it('MNIST encoder load 1 needs N = ceil(257,748 / 20) = ceil(12,887.4) = 12,888', () => {
    const n = samplesForEncoderLoad(1, mnistEncoder);
    expect(n).toBe(12_888);
    expect(n).toBeGreaterThan(10_000);
    expect(n).toBeLessThan(15_000);
  });
  it('exact hit: load 2 with m=20, W=100 needs N = 2·100/20 = 10', () => {
    expect(samplesForEncoderLoad(2, {latentDim: 20, weights: 100})).toBe(10);
  });
  it('where the closed form lands just above an integer: load 1.1 with m=1, W=100 needs 110, not 111', () => {
    // 1.1·100 = 110.00000000000001 in float64; 110·1/100 = 1.1 (the same double): 110 reaches it.
    expect(samplesForEncoderLoad(1.1, {latentDim: 1, weights: 100})).toBe(110);
  });
  it('answers from the closed form, not by counting: a billion samples at once', () => {
    // 1·10¹²/1000 = 10⁹; counting up from 1 (or down from 10¹⁵) would not finish.
    expect(samplesForEncoderLoad(1, {latentDim: 1000, weights: 1e12})).toBe(1e9);
  });
  it('throws when N would be the largest safe integer (N + 1 is needed to check it)', () => {
    expect(() => samplesForEncoderLoad(1, {latentDim: 1, weights: Number.MAX_SAFE_INTEGER}))
      .toThrow(/^samplesForEncoderLoad: target 1 needs about 9\.007e\+15 samples, more than a safe integer; lower the target$/);
  });
  it('throws on a non-positive target', () => {
    expect(() => samplesForEncoderLoad(-2, mnistEncoder))
      .toThrow(/^samplesForEncoderLoad: target must be a finite number > 0, got -2$/);
  });
});

describe('tabulateLoads', () => {
  it('MNIST decoder and encoder at N = 1000, 4000', () => {
    const rows = tabulateLoads({samples: [1000, 4000], dataDim: 784, latentDim: 20,
      decoderWeights: 263_873, encoderWeights: 257_748});
    expect(rows.map((r) => r.samples)).toEqual([1000, 4000]);
    // 784,000 / 283,873 = 2.7618…; 20,000 / 257,748 = 0.0776…; 80,000 / 257,748 = 0.3104…
    expectArraysClose(rows.map((r) => r.decoderLoad), [784_000 / 283_873, 3_136_000 / 343_873], tight);
    expectArraysClose(rows.map((r) => r.encoderLoad as number), [20_000 / 257_748, 80_000 / 257_748], tight);
  });
  it('without encoderWeights the rows have no encoderLoad', () => {
    const rows = tabulateLoads({samples: [10], dataDim: 1000, latentDim: 100, decoderWeights: 11_000});
    expect(rows[0]).not.toHaveProperty('encoderLoad');
  });
  it('throws when samples is not an array, or encoderWeights is not a count', () => {
    expect(() => tabulateLoads({samples: 10 as never, dataDim: 1000, latentDim: 100, decoderWeights: 11_000}))
      .toThrow(/^tabulateLoads: samples must be an array of positive integers, got number$/);
    expect(() => tabulateLoads({samples: [10], dataDim: 1000, latentDim: 100, decoderWeights: 11_000, encoderWeights: 0}))
      .toThrow(/^tabulateLoads: encoderWeights must be a positive integer, got 0$/);
  });
  it('throws naming the offending entry of samples', () => {
    expect(() => tabulateLoads({samples: [10, 2.5], dataDim: 1000, latentDim: 100, decoderWeights: 11_000}))
      .toThrow(/^tabulateLoads: samples\[1\] must be a positive integer, got 2.5$/);
    expect(() => tabulateLoads({samples: [10], dataDim: 1000, latentDim: 100, decoderWeights: 0}))
      .toThrow(/^tabulateLoads: decoderWeights must be a positive integer, got 0$/);
  });
});

describe('argument validation', () => {
  const base = {samples: 100, ...simulated};
  it.each([
    ['samples', 0, /^decoderLoad: samples must be a positive integer, got 0$/],
    ['samples', -5, /samples must be a positive integer, got -5$/],
    ['samples', 1.5, /samples must be a positive integer, got 1.5$/],
    ['samples', NaN, /samples must be a positive integer, got NaN$/],
    ['dataDim', 0, /^decoderLoad: dataDim must be a positive integer, got 0$/],
    ['latentDim', 2000, /^decoderLoad: latentDim must be at most dataDim \(1000\), got 2000$/],
    ['weights', 3.2, /^decoderLoad: weights must be a positive integer, got 3.2$/],
    ['weights', '11000', /^decoderLoad: weights must be a positive integer, got "11000"$/],
  ])('decoderLoad throws when %s is %p', (key, value, message) => {
    expect(() => decoderLoad({...base, [key]: value})).toThrow(message);
    expect(() => decoderLoad({...base, [key]: value})).toThrow(BadLoadArgumentError);
  });
  it('decoderLoad and encoderLoad name a latentDim of 0', () => {
    expect(() => decoderLoad({...base, latentDim: 0})).toThrow(/^decoderLoad: latentDim must be a positive integer, got 0$/);
    expect(() => encoderLoad({samples: 10, latentDim: 0, weights: 10})).toThrow(/^encoderLoad: latentDim must be a positive integer, got 0$/);
  });
  it('encoderLoad throws on a zero weight count and a missing samples', () => {
    expect(() => encoderLoad({samples: 10, latentDim: 20, weights: 0}))
      .toThrow(/^encoderLoad: weights must be a positive integer, got 0$/);
    expect(() => encoderLoad({latentDim: 20, weights: 10} as never))
      .toThrow(/^encoderLoad: samples must be a positive integer, got undefined$/);
  });
  it('decoderLoadLimit throws when m > n or options are missing', () => {
    expect(() => decoderLoadLimit({dataDim: 10, latentDim: 11}))
      .toThrow(/^decoderLoadLimit: latentDim must be at most dataDim \(10\), got 11$/);
    expect(() => decoderLoadLimit(undefined as never)).toThrow(/^decoderLoadLimit: options must be an object, got undefined$/);
    expect(() => decoderLoadLimit(null as never)).toThrow(/^decoderLoadLimit: options must be an object, got null$/);
    expect(() => decoderLoadLimit({dataDim: 0, latentDim: 1})).toThrow(/^decoderLoadLimit: dataDim must be a positive integer, got 0$/);
    expect(() => decoderLoadLimit({dataDim: 10, latentDim: 0})).toThrow(/^decoderLoadLimit: latentDim must be a positive integer, got 0$/);
  });
  it('errors carry the class name', () => {
    try {
      decoderLoad({...base, samples: 0});
      throw new Error('decoderLoad did not throw');
    } catch (e) {
      expect(e).toBeInstanceOf(BadLoadArgumentError);
      expect((e as Error).name).toBe('BadLoadArgumentError');
    }
  });
});
