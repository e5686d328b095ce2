import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {BadConfigError, BadDataFileError, parseCsv} from './index';
import {defaultMaxFileBytes, readCsv} from './node';

const dir = mkdtempSync(join(tmpdir(), 'encoderless-csv-'));
afterAll(() => rmSync(dir, {recursive: true, force: true}));
function file(name: string, text: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('readCsv', () => {
  it('a .tsv file is tab-separated; the table matches parseCsv of the same text', async () => {
    const text = 'sample\tg1\tg2\ns1\t0.5\t2\ns2\t1\t-1\n';
    const t = await readCsv(file('x.tsv', text), {labelColumns: ['sample']});
    expect([t.delimiter, t.columns, t.labels, Array.from(t.data)]).toEqual(['\t', ['g1', 'g2'], {sample: ['s1', 's2']}, [0.5, 2, 1, -1]]);
  });
  it('a file over 2 MiB read in 1 MiB chunks (multi-byte characters across chunk ends) equals parseCsv of its text', async () => {
    // 30,000 rows: a quoted label with "é" and a line break, then 10 numbers. 1 MiB chunk ends
    // fall inside rows, some inside a two-byte "é" or a quoted field.
    const lines = ['id,' + Array.from({length: 10}, (_, j) => `v${j}`).join(',')];
    for (let i = 0; i < 30_000; i++) {
      lines.push(`"é${i}\nx",` + Array.from({length: 10}, (_, j) => ((i * 10 + j) % 977) / 8 - 60).join(','));
    }
    const text = lines.join('\r\n') + '\r\n';
    expect(Buffer.byteLength(text)).toBeGreaterThan(2 * 1024 * 1024);
    const t = await readCsv(file('big.csv', text), {labelColumns: ['id']});
    const expected = parseCsv(text, {labelColumns: ['id']});
    expect([t.rows, t.cols]).toEqual([30_000, 10]);
    expect(Buffer.from(t.data.buffer).equals(Buffer.from(expected.data.buffer))).toBe(true);
    expect(t.labels.id).toEqual(expected.labels.id);
    expect(t.labels.id[29_999]).toBe('é29999\nx');
    // Hand check of one cell: row 12345, column 7 is ((123450 + 7) % 977) / 8 − 60, exact in float32.
    expect(t.data[12_345 * 10 + 7]).toBe(((123_457 % 977) / 8) - 60);
  });
  it('refuses a file larger than maxBytes before reading it, naming the file, its size, the limit and the option', async () => {
    const path = file('small.csv', 'a,b\n1,2\n3,4\n');
    const err = await readCsv(path, {maxBytes: 10}).catch((e) => e);
    expect(err).toBeInstanceOf(BadDataFileError);
    expect(err.file).toBe(path);
    expect(err.message).toMatch(new RegExp(
      `^readCsv: ${path} is 12 bytes, more than the limit of 10 bytes \\(option maxBytes; the default is an eighth of this ` +
      'machine\'s memory, .*\\): pass a larger maxBytes if the machine has room for it, or split the file$'));
    expect((await readCsv(path, {maxBytes: 12})).rows).toBe(2);
  });
  it('the default limit is an eighth of the memory', () => {
    expect(defaultMaxFileBytes(8 * 2 ** 30)).toBe(2 ** 30);
  });
  it('a bad cell names the file, line and column', async () => {
    const path = file('bad.csv', 'a,b\n1,2\n3,oops\n');
    await expect(readCsv(path)).rejects.toThrow(`readCsv: ${path}: line 3, column 2 ("b"): "oops" is not a number`);
  });
  it('an empty file and a header-only file', async () => {
    await expect(readCsv(file('empty.csv', ''))).rejects.toThrow(/^readCsv: .*empty\.csv: is empty/);
    await expect(readCsv(file('head.csv', 'a,b\r\n'))).rejects.toThrow(/^readCsv: .*head\.csv: has a header line \(line 1\) but no data lines/);
  });
  it('a missing file, a folder, a gzipped file', async () => {
    await expect(readCsv(join(dir, 'nope.csv'))).rejects.toThrow(new RegExp(`^readCsv: ${join(dir, 'nope.csv')} does not exist$`));
    mkdirSync(join(dir, 'folder.csv'));
    await expect(readCsv(join(dir, 'folder.csv'))).rejects.toThrow(/folder\.csv is a folder, expected a file$/);
    await expect(readCsv(file('z.csv.gz', Buffer.from([0x1f, 0x8b, 8, 0, 0xff])))).rejects.toThrow(/z\.csv\.gz is not UTF-8 text: it starts with the gzip magic/);
  });
  it('bad options are BadConfigErrors naming the option', async () => {
    const path = file('ok.csv', '1\n');
    await expect(readCsv(path, {maxBytes: 0})).rejects.toThrow(BadConfigError);
    await expect(readCsv(path, {maxBytes: 0})).rejects.toThrow(/^readCsv: maxBytes must be a positive whole number of bytes, got 0$/);
    await expect(readCsv(path, {maxbytes: 5} as never)).rejects.toThrow(/^readCsv: unknown option "maxbytes"; expected one of delimiter, header, labelColumns, source, maxBytes$/);
  });
});
