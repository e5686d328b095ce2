import {mkdtempSync, writeFileSync, readFileSync, readdirSync} from 'node:fs';
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
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
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
});
