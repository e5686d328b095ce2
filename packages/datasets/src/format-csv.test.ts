import {mkdtempSync, readFileSync, readdirSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {createRandom} from '@encoderless/random';
import {formatCsv, formatFloat32, parseCsv} from './index';
import {readCsv, writeCsv} from './node';

describe('formatCsv and writeCsv', () => {
  it('formatFloat32 is the shortest text that reads back as the same float32', () => {
    expect(formatFloat32(Math.fround(0.1))).toBe('0.1');
    expect(formatFloat32(3)).toBe('3');
    expect(formatFloat32(Math.fround(-1.5e-7))).toBe('-1.5e-7');
    const rng = createRandom(1);
    for (let i = 0; i < 2000; i++) {
      const v = Math.fround(rng.normal(0, 10 ** rng.uniform(-8, 8)));
      expect(Math.fround(Number(formatFloat32(v)))).toBe(v);
    }
  });

  it('writes label columns first, quotes what needs quoting, and parseCsv reads the same table back bit for bit', () => {
    const data = Float32Array.from([0.1, -2, 1e-7, 3.25]);
    const table = {data, rows: 2, cols: 2, columns: ['z1', 'z 2'], labels: {id: ['a,b', 'say "hi"']}};
    const text = formatCsv(table);
    expect(text).toBe('id,z1,z 2\n"a,b",0.1,-2\n"say ""hi""",1e-7,3.25\n');
    const back = parseCsv(text, {labelColumns: ['id']});
    expect(back.data).toEqual(data);
    expect(back.labels).toEqual(table.labels);
    expect(back.columns).toEqual(['z1', 'z 2']);
  });

  it('throws naming the problem: NaN, a short label column, a wrong number of column names', () => {
    expect(() => formatCsv({data: [1, NaN], rows: 1, cols: 2})).toThrow(/formatCsv: row 1, column "column2" is NaN/);
    expect(() => formatCsv({data: [1, 2], rows: 2, cols: 1, labels: {id: ['a']}})).toThrow(/label column "id" has 1 cells, the table has 2 rows/);
    expect(() => formatCsv({data: [1, 2], rows: 1, cols: 2, columns: ['a']})).toThrow(/columns names 1 columns, the table has 2/);
    expect(() => formatCsv({data: [1, 2], rows: 1, cols: 3})).toThrow(/data has 2 values, expected rows 1 × cols 3 = 3/);
  });

  it('writeCsv writes atomically in chunks (25,000 rows), leaving no temporary file; .tsv is tab-separated', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'encoderless-write-csv-'));
    try {
      const rows = 25_000;
      const data = Float32Array.from({length: rows * 3}, (_, k) => Math.fround(k / 7));
      const ids = Array.from({length: rows}, (_, i) => `s${i}`);
      const path = join(dir, 'sub', 'big.csv');
      await writeCsv(path, {data, rows, cols: 3, labels: {id: ids}});
      const back = await readCsv(path, {labelColumns: ['id']});
      expect(back.data).toEqual(data);
      expect(back.labels.id).toEqual(ids);
      await writeCsv(join(dir, 'x.tsv'), {data: [1, 2], rows: 1, cols: 2});
      expect(readFileSync(join(dir, 'x.tsv'), 'utf8')).toBe('column1\tcolumn2\n1\t2\n');
      expect(readdirSync(join(dir, 'sub'))).toEqual(['big.csv']);
    } finally {
      rmSync(dir, {recursive: true, force: true});
    }
  });

  it('writeCsv into a folder that cannot be made fails at once (under /proc a recursive mkdir never returns)', async () => {
    if (process.platform !== 'linux') return;
    await expect(writeCsv('/proc/encoderless-test/t.csv', {data: [1, 2], rows: 1, cols: 2})).rejects.toMatchObject({code: 'ENOENT'});
  });
});
