import {spawnSync} from 'node:child_process';
import {existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import {availableParallelism, tmpdir} from 'node:os';
import {join} from 'node:path';
import {isUserError} from '@encoderless/errors';
import {createRandom} from '@encoderless/random';
import {main} from '../cli';

// `encoderless fit | represent | decode` on a small table, as a user meets them: the files they
// write, the id column carried through, and the refusals that keep finished work.

const CLI = join(__dirname, '..', '..', 'dist', 'cli.js');

/** Samples on a 2-d plane in 6-d (x = z·W + 5), with an id column, as CSV text. */
function planeCsv(n: number, seed: number, prefix: string): string {
  const rng = createRandom(seed);
  const w = [[1, -2, 0.5, 3, 0, 1], [0, 1, -1, 1, 2, -0.5]];
  const lines = ['id,a,b,c,d,e,f'];
  for (let i = 0; i < n; i++) {
    const z = [rng.normal(), rng.normal()];
    lines.push([`${prefix}${i}`, ...w[0].map((_, j) => (5 + z[0] * w[0][j] + z[1] * w[1][j]).toFixed(5))].join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** The numeric part of a CSV with a header and a first id column. */
function numbers(text: string): {ids: string[]; rows: number[][]; header: string[]} {
  const [head, ...lines] = text.trim().split('\n');
  return {header: head.split(','), ids: lines.map((l) => l.split(',')[0]), rows: lines.map((l) => l.split(',').slice(1).map(Number))};
}

function rSquared(pred: number[][], target: number[][]): number {
  const t = target.flat(), p = pred.flat();
  const mean = t.reduce((a, b) => a + b, 0) / t.length;
  let ss = 0, res = 0;
  t.forEach((v, i) => { ss += (v - mean) ** 2; res += (v - p[i]) ** 2; });
  return 1 - res / ss;
}

async function run(args: string[]): Promise<string[]> {
  const lines: string[] = [];
  const code = await main(args, (l) => lines.push(l));
  expect(code).toBe(0);
  return lines;
}

async function expectUserError(args: string[], message: RegExp): Promise<void> {
  const err = await main(args, () => {}).then(() => undefined, (e: unknown) => e);
  expect(isUserError(err)).toBe(true);
  expect((err as Error).message).toMatch(message);
}

describe('encoderless fit, represent, decode', () => {
  const dir = mkdtempSync(join(tmpdir(), 'encoderless-own-'));
  const train = join(dir, 'train.csv'), fresh = join(dir, 'new.csv'), model = join(dir, 'model');
  writeFileSync(train, planeCsv(80, 1, 's'));
  writeFileSync(fresh, planeCsv(12, 2, 't'));
  const common = ['--dim', '2', '--label-columns', 'id', '--epochs', '60', '--hidden', '16', '--learning-rate', '0.01', '--backend', 'cpu'];

  it('fit writes the model, the representations with their ids, the map, the loss curve and a report; the load is printed first', async () => {
    const lines = await run(['fit', train, '--out', model, ...common]);
    // 80 samples × 6 = 480 numbers; the MLP 2→16→6 has 2·16+16+16·6+6 = 150 weights, the rows 160: load 480/310.
    expect(lines.join('\n')).toMatch(/150 parameters; 80 training samples of \[6\]; decoder load 1\.55 \(eq\. 3\)/);
    expect(readdirSync(model).sort()).toEqual(['fit.json', 'loss.svg', 'map.png', 'map.svg', 'model.json', 'report.md', 'representations.csv', 'weights.bin']);
    const reps = numbers(readFileSync(join(model, 'representations.csv'), 'utf8'));
    expect(reps.header).toEqual(['id', 'z1', 'z2']);
    expect(reps.ids).toEqual(Array.from({length: 80}, (_, i) => `s${i}`));
    expect(readFileSync(join(model, 'report.md'), 'utf8')).toMatch(/decoder load \(eq\. 3\) \| 1\.548/);
  });

  it('represent then decode reconstructs new samples in data units, ids kept (R² > 0.95 on a plane)', async () => {
    await run(['represent', model, fresh, '--out', join(dir, 'reps.csv'), '--backend', 'cpu']);
    const reps = numbers(readFileSync(join(dir, 'reps.csv'), 'utf8'));
    expect(reps.header).toEqual(['id', 'z1', 'z2', 'loss']);
    expect(reps.ids).toEqual(Array.from({length: 12}, (_, i) => `t${i}`));
    await run(['decode', model, join(dir, 'reps.csv'), '--out', join(dir, 'recon.csv'), '--backend', 'cpu']);
    const recon = numbers(readFileSync(join(dir, 'recon.csv'), 'utf8'));
    expect(recon.header).toEqual(['id', 'a', 'b', 'c', 'd', 'e', 'f']);
    expect(recon.ids).toEqual(reps.ids);
    expect(rSquared(recon.rows, numbers(readFileSync(fresh, 'utf8')).rows)).toBeGreaterThan(0.95);
  });

  it('a folder that holds a model is refused without --overwrite, and one with files fit did not write always', async () => {
    const before = readFileSync(join(model, 'weights.bin'));
    await expectUserError(['fit', train, '--out', model, ...common], /already holds a fitted model .*nothing was changed: add --overwrite/);
    expect(readFileSync(join(model, 'weights.bin'))).toEqual(before);
    const foreign = join(dir, 'mine');
    mkdirSync(foreign);
    writeFileSync(join(foreign, 'notes.txt'), 'mine');
    await expectUserError(['fit', train, '--out', foreign, '--overwrite', ...common], /files encoderless fit did not write \(notes\.txt\)/);
    expect(readdirSync(foreign)).toEqual(['notes.txt']);
    await expectUserError(['represent', model, fresh, '--out', join(dir, 'reps.csv')], /the file exists; nothing was changed/);
  });

  it('fit --threads 2 shares each batch between two threads: representations equal one thread\'s within float rounding', async () => {
    if (availableParallelism() < 2) {
      console.warn(`skipping fit --threads 2: ${availableParallelism()} core here, it needs 2`);
      return;
    }
    const short = [...common.filter((a, i) => a !== '--epochs' && common[i - 1] !== '--epochs'), '--epochs', '8'];
    const [one, two] = [join(dir, 'one-thread'), join(dir, 'two-threads')];
    await run(['fit', train, '--out', one, ...short]);
    const lines = await run(['fit', train, '--out', two, ...short, '--threads', '2']);
    expect(lines[0]).toMatch(/backend cpu, 2 threads; output/);
    expect(JSON.parse(readFileSync(join(two, 'fit.json'), 'utf8')).threads).toBe(2);
    const [a, b] = [one, two].map((d) => numbers(readFileSync(join(d, 'representations.csv'), 'utf8')).rows.flat());
    // Written with 7 significant digits; the two runs differ by float32 rounding (~1e-7 relative).
    expect(Math.max(...a.map((v, i) => Math.abs(v - b[i])))).toBeLessThan(1e-4);
    expect(Math.max(...a.map(Math.abs))).toBeGreaterThan(0.1);
    await expectUserError(['fit', train, '--out', join(dir, 'many'), ...short, '--threads', '100000'],
      /^--threads: trainDecoder: threads 100000 is more than the \d+ core\(s\) here/);
    expect(existsSync(join(dir, 'many', 'model.json'))).toBe(false);
  });

  it('bad input names the flag, the file and the line', async () => {
    await expectUserError(['fit', train, '--out', join(dir, 'x')], /--dim M is required/);
    await expectUserError(['fit', '--dim', '2', '--out', join(dir, 'x')], /missing DATA; usage: encoderless fit DATA/);
    await expectUserError(['fit', train, '--dim', '20', '--decoder', 'cifar-1x1', '--out', join(dir, 'x')], /--decoder cifar-1x1 .* give --dim 256, got 20/);
    await expectUserError(['fit', train, '--dim', '2', '--out', join(dir, 'x'), '--patience', '2'], /--patience needs --validation/);
    const ragged = join(dir, 'ragged.csv');
    writeFileSync(ragged, 'id,a,b\ns0,1,2\ns1,3\n');
    await expectUserError(['fit', ragged, '--dim', '1', '--label-columns', 'id', '--out', join(dir, 'x')], /line 3 has 2 fields, expected 3/);
    await expectUserError(['fit', train, '--dim', '2', '--out', join(dir, 'x')], /--label-columns: .*"s0" is not a number|column 1 \("id"\)/);
    await expectUserError(['decode', model, train, '--out', join(dir, 'y.csv')], /no columns z1 … z2 on its first line \(id, a, b, c, d, e, …\)/);
    const three = join(dir, 'three.csv');
    writeFileSync(three, 'id,z1,z2,z3\nq,0,0,0\n');
    await expectUserError(['decode', model, three, '--out', join(dir, 'y.csv')], /has 3 numbers per row, the model's representations have 2/);
    expect(existsSync(join(dir, 'x'))).toBe(false);
  });

  it('a user error exits 2 with one line and no stack (a child process, as a user runs it)', () => {
    const r = spawnSync(process.execPath, [CLI, 'represent', join(dir, 'nowhere'), fresh, '--out', join(dir, 'z.csv')], {encoding: 'utf8'});
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^error: MODEL .*nowhere: no model\.json there/);
  });
});
