import {parseBenchFlags} from './bench-options';

describe('parseBenchFlags', () => {
  it('defaults: every model, wasm and cpu, 1 and 2 threads (1 on one core), 5 runs of 6 batches of 32, no peer', () => {
    const o = parseBenchFlags([], 2);
    expect(o.models).toEqual(['mnist', 'cifar-1x1', 'cifar-4x4', 'sparse']);
    expect(o.backends).toEqual(['wasm', 'cpu']);
    expect(o.threads).toEqual([1, 2]);
    expect(parseBenchFlags([], 1).threads).toEqual([1]);
    expect([o.runs, o.batches, o.batchSize, o.quick, o.peers]).toEqual([5, 6, 32, false, []]);
  });
  it('--threads takes a list of counts up to the cores; --peer one or more files, repeatable', () => {
    expect(parseBenchFlags(['--threads', '2,1,2'], 4).threads).toEqual([1, 2]);
    expect(() => parseBenchFlags(['--threads', '1,3'], 2)).toThrow(/--threads 3 is more than the 2 core\(s\) here/);
    expect(() => parseBenchFlags(['--threads', '0'], 2)).toThrow(/--threads expects a positive integer, got '0'/);
    expect(parseBenchFlags(['--peer', 'p1.json,p2.json', '--peer', 'p3.json'], 2).peers).toEqual(['p1.json', 'p2.json', 'p3.json']);
    expect(() => parseBenchFlags(['--peer', '--quick'], 2)).toThrow(/--peer expects a file name/);
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
