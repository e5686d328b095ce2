import {parseBenchFlags} from './bench-options';

describe('parseBenchFlags', () => {
  it('defaults: every model, wasm and cpu, 5 runs of 6 batches of 32', () => {
    const o = parseBenchFlags([]);
    expect(o.models).toEqual(['mnist', 'cifar-1x1', 'cifar-4x4', 'sparse']);
    expect(o.backends).toEqual(['wasm', 'cpu']);
    expect([o.runs, o.batches, o.batchSize, o.quick]).toEqual([5, 6, 32, false]);
  });
  it('--quick shortens runs and budgets; explicit flags still win', () => {
    const o = parseBenchFlags(['--quick', '--runs', '3', '--models', 'mnist,sparse', '--backends', 'wasm', '--out', 'a.json']);
    expect([o.runs, o.batches, o.cpuBudgetSeconds, o.quick]).toEqual([3, 2, 15, true]);
    expect(o.models).toEqual(['mnist', 'sparse']);
    expect(o.backends).toEqual(['wasm']);
    expect(o.out).toBe('a.json');
  });
  it('throws when a flag is unknown, naming it', () => {
    expect(() => parseBenchFlags(['--model', 'mnist'])).toThrow(/unknown flag '--model'/);
  });
  it('throws when a model is unknown, listing the known ones', () => {
    expect(() => parseBenchFlags(['--models', 'mnist,imagenet'])).toThrow(/unknown 'imagenet'; expected some of mnist, cifar-1x1/);
  });
  it('throws when --runs is not a positive integer, or --out has no file', () => {
    expect(() => parseBenchFlags(['--runs', '0'])).toThrow(/--runs expects a positive integer, got '0'/);
    expect(() => parseBenchFlags(['--out', '--quick'])).toThrow(/--out expects a file name/);
  });
});
