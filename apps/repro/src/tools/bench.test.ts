import {main} from '../cli';

// The bench's flags go through the runner's one parser; `bench --help` works (it was an error).
describe('encoderless bench (flags only: timing runs belong to the benchmark itself, not to tests)', () => {
  it('--help lists every flag with its default', async () => {
    const lines: string[] = [];
    expect(await main(['bench', '--help'], (l) => lines.push(l))).toBe(0);
    const help = lines.join('\n');
    for (const flag of ['--quick', '--out', '--compare', '--models', '--backends', '--runs', '--batches', '--batch-size', '--cpu-budget', '--budget',
      '--webgpu-submit-batch']) {
      expect(help).toContain(flag);
    }
    expect(help).toMatch(/--runs <integer> +timed runs per workload; the median is quoted \(default 5\)/);
  });

  it('refuses unknown flags and bad values naming the flag, before timing anything', async () => {
    await expect(main(['bench', '--model', 'mnist'], () => {})).rejects.toThrow(/encoderless bench: unknown flag --model; .*did you mean --models\?/);
    await expect(main(['bench', '--models', 'mnist,imagenet'], () => {})).rejects.toThrow(/--models takes some of mnist, cifar-1x1, cifar-4x4, sparse/);
    await expect(main(['bench', '--runs', '0'], () => {})).rejects.toThrow(/--runs takes an integer ≥ 1, got '0'/);
    await expect(main(['bench', '--webgpu-submit-batch', '15,0'], () => {})).rejects.toThrow(/--webgpu-submit-batch takes .*got '15,0'/);
    await expect(main(['bench', '--backends', 'gpu'], () => {})).rejects.toThrow(/--backends takes some of wasm, webgpu, cpu, node, node-gpu/);
    await expect(main(['bench', '--compare', '/nonexistent/old.json'], () => {})).rejects.toThrow(/--compare \/nonexistent\/old.json: cannot read it \(ENOENT\)/);
  });
});
