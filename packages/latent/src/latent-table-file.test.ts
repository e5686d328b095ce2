import {mkdirSync, mkdtempSync, writeFileSync, readFileSync, readdirSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {createLatentTable, encodeLatentTable, decodeLatentTable} from './index';
import {saveLatentTable, loadLatentTable} from './node';

describe('latent table files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'encoderless-table-'));

  it('save → load gives the same values, state and later steps (sgd dense and adam)', async () => {
    for (const optimizer of [{kind: 'sgd' as const, learningRate: 0.1}, {kind: 'adam' as const, learningRate: 0.01}]) {
      const a = createLatentTable({size: 7, dim: 3, seed: 1, optimizer});
      a.applyGradients([1, 4], Float32Array.from({length: 6}, (_, i) => i - 2));
      const path = join(dir, `${optimizer.kind}.eltable`);
      await saveLatentTable(path, a);
      const b = await loadLatentTable(path);
      expect(b.step).toBe(1);
      a.applyGradients([4, 6], new Float32Array(6).fill(0.5));
      b.applyGradients([4, 6], new Float32Array(6).fill(0.5));
      expect(Array.from(b.snapshot())).toEqual(Array.from(a.snapshot()));
    }
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('throws naming the file when it is truncated, foreign or has trailing bytes', async () => {
    const bytes = encodeLatentTable(createLatentTable({size: 5, dim: 2}).getState());
    const cut = join(dir, 'cut.eltable');
    writeFileSync(cut, bytes.subarray(0, bytes.length - 3));
    await expect(loadLatentTable(cut)).rejects.toThrow(new RegExp(`${cut}: truncated: array rowStep`));
    expect(() => decodeLatentTable(new TextEncoder().encode('{"json": true}'), 'x.bin')).toThrow(/x.bin: not a latent-table file/);
    const extra = new Uint8Array(bytes.length + 4);
    extra.set(bytes);
    expect(() => decodeLatentTable(extra, 'y.bin')).toThrow(/y.bin: 4 unexpected trailing bytes/);
    await expect(loadLatentTable(join(dir, 'missing.eltable'))).rejects.toThrow(/cannot read .*missing.eltable/);
    expect(readFileSync(cut).length).toBe(bytes.length - 3);
  });

  // Offset of the arrays: magic (8) + header length (4) + header, padded to 8.
  const arraysStart = (bytes: Uint8Array) => Math.ceil((12 + new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true)) / 8) * 8;

  it('a flipped bit anywhere in the arrays fails the checksum, naming the file', async () => {
    const bytes = encodeLatentTable(createLatentTable({size: 5, dim: 2, seed: 3}).getState());
    const flipped = bytes.slice();
    flipped[arraysStart(bytes) + 5] ^= 0x10;
    const path = join(dir, 'flipped.eltable');
    writeFileSync(path, flipped);
    await expect(loadLatentTable(path)).rejects.toThrow(new RegExp(`${path}: checksum mismatch`));
  });

  it('NaN is refused on save and on load (a v1 file without checksum is still read and checked)', async () => {
    const table = createLatentTable({size: 3, dim: 2, seed: 1});
    const state = table.getState();
    const nan = {...state, values: Float32Array.from(state.values, (v, i) => (i === 3 ? NaN : v))};
    expect(() => encodeLatentTable(nan)).toThrow(/encodeLatentTable: values of row 1 \(column 1\) is NaN/);
    // The old format by hand: ELTABLE1, the header without sha256, padding, the arrays.
    const v1 = (s: typeof state) => {
      const arrays = [{name: 'values', type: 'f32', length: s.values.length}];
      const json = new TextEncoder().encode(JSON.stringify({size: s.size, dim: s.dim, optimizer: s.optimizer, schedule: s.schedule, step: s.step, arrays}));
      const start = Math.ceil((12 + json.length) / 8) * 8;
      const out = new Uint8Array(start + s.values.byteLength);
      out.set(new TextEncoder().encode('ELTABLE1'));
      new DataView(out.buffer).setUint32(8, json.length, true);
      out.set(json, 12);
      out.set(new Uint8Array(s.values.buffer, s.values.byteOffset, s.values.byteLength), start);
      return out;
    };
    expect(Array.from(decodeLatentTable(v1(state), 'old.bin').values)).toEqual(Array.from(state.values));
    expect(() => decodeLatentTable(v1(nan), 'old.bin')).toThrow(/old.bin: values of row 1 \(column 1\) is NaN, expected finite values/);
  });

  it('saves into folders it makes (nested, and the same new folder by two writers at once), leaving no temporary file', async () => {
    const table = createLatentTable({size: 3, dim: 2, seed: 4});
    const base = mkdtempSync(join(tmpdir(), 'encoderless-table-'));
    await saveLatentTable(join(base, 'a', 'b', 'c', 't.eltable'), table);
    expect(readdirSync(join(base, 'a', 'b', 'c'))).toEqual(['t.eltable']);
    expect(Array.from((await loadLatentTable(join(base, 'a', 'b', 'c', 't.eltable'))).getState().values)).toEqual(Array.from(table.getState().values));
    // Two writers racing to make one folder: the loser's mkdir meets EEXIST, which is success.
    await Promise.all([saveLatentTable(join(base, 'race', 'x.eltable'), table), saveLatentTable(join(base, 'race', 'y.eltable'), table)]);
    expect(readdirSync(join(base, 'race')).sort()).toEqual(['x.eltable', 'y.eltable']);
    await saveLatentTable(join(base, 'race', 'x.eltable'), table);
    expect(readdirSync(join(base, 'race')).sort()).toEqual(['x.eltable', 'y.eltable']);
  });

  it('a failed write names the file (err.file, the errno code) and leaves no temporary file behind', async () => {
    const table = createLatentTable({size: 2, dim: 2});
    const base = mkdtempSync(join(tmpdir(), 'encoderless-table-'));
    mkdirSync(join(base, 'taken'));
    const onDir = await saveLatentTable(join(base, 'taken'), table).catch((e: Error & {file?: string}) => e);
    expect(onDir).toMatchObject({name: 'BadDataError', file: join(base, 'taken'),
      message: `saveLatentTable: cannot write ${join(base, 'taken')} (EISDIR); choose a writable folder`});
    expect(readdirSync(base)).toEqual(['taken']);
    writeFileSync(join(base, 'file'), 'x');
    const underFile = await saveLatentTable(join(base, 'file', 't.eltable'), table).catch((e: Error & {file?: string}) => e);
    expect(underFile).toMatchObject({file: join(base, 'file', 't.eltable'), message: expect.stringMatching(/\((ENOTDIR|EEXIST)\)/)});
  });

  it('a file that cannot be read is named (err.file)', async () => {
    const missing = join(dir, 'missing.eltable');
    await expect(loadLatentTable(missing)).rejects.toMatchObject({name: 'BadDataError', file: missing,
      message: expect.stringMatching(new RegExp(`^loadLatentTable: cannot read ${missing}: ENOENT`))});
  });

  it('a folder that cannot be made fails at once naming the path (under /proc Node\'s mkdir would hang)', async () => {
    if (process.platform !== 'linux') return;
    const table = createLatentTable({size: 2, dim: 2});
    await expect(saveLatentTable('/proc/encoderless-test/t.eltable', table))
      .rejects.toThrow(/saveLatentTable: cannot write \/proc\/encoderless-test\/t.eltable \(ENOENT\)/);
  });
});
