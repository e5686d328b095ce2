import {expectArraysClose} from '@encoderless/test-utils';
import {BadConfigError, BadDataFileError, parseCsv} from './index';
import type {CsvTable} from './index';
import {createCsvParser} from './parse-csv';

// The expected values below are written by hand. Cells like 1.5 or -2 are exact in float32, so
// those comparisons use atol 0; 0.1 is compared with its float32 rounding Math.fround(0.1).
const exact = {atol: 0, rtol: 0};

describe('parseCsv good inputs', () => {
  it('header, an id column by name, CRLF line ends, a BOM and RFC 4180 quoting', () => {
    const text = '\ufeffid,"x, first",y\r\n"a ""quoted"" id",1.5,-2\r\n"two\r\nlines",0.1,"3e2"\r\n';
    const t = parseCsv(text, {labelColumns: ['id']});
    expect([t.rows, t.cols, t.header, t.delimiter]).toEqual([2, 2, true, ',']);
    expect(t.columns).toEqual(['x, first', 'y']);
    expect(t.labelColumns).toEqual(['id']);
    expect(t.labels.id).toEqual(['a "quoted" id', 'two\r\nlines']);
    expectArraysClose(t.data, [1.5, -2, Math.fround(0.1), 300], exact);
    expect(t.data).toBeInstanceOf(Float32Array);
  });
  it('no header (detected): columns are column1…; spaces around numbers, no final newline', () => {
    const t = parseCsv('1, 2 ,3\n4,5,-6.25');
    expect([t.rows, t.cols, t.header]).toEqual([2, 3, false]);
    expect(t.columns).toEqual(['column1', 'column2', 'column3']);
    expect(t.labels).toEqual({});
    expectArraysClose(t.data, [1, 2, 3, 4, 5, -6.25], exact);
  });
  it.each([['\t', 'tab'], [';', 'semicolon'], ['|', 'pipe'], [',', 'comma']])('detects the delimiter %p (%s)', (d) => {
    const t = parseCsv(['a', 'b', 'c'].join(d) + '\n' + ['1', '2', '3'].join(d) + '\n' + ['4', '5', '6'].join(d) + '\n');
    expect(t.delimiter).toBe(d);
    expect(t.columns).toEqual(['a', 'b', 'c']);
    expectArraysClose(t.data, [1, 2, 3, 4, 5, 6], exact);
  });
  it('detection prefers the delimiter that splits every line equally: commas inside a quoted label do not win', () => {
    const t = parseCsv('name;v\n"Smith, J.";1\n"Doe, A., B.";2\n', {labelColumns: ['name']});
    expect(t.delimiter).toBe(';');
    expect(t.labels.name).toEqual(['Smith, J.', 'Doe, A., B.']);
  });
  it('ids in both first lines are no header: the id column by number (counted from 1), no header', () => {
    const t = parseCsv('s1,1,2\ns2,3,4\n', {labelColumns: [1]});
    expect([t.header, t.rows, t.cols]).toEqual([false, 2, 2]);
    expect(t.labels).toEqual({column1: ['s1', 's2']});
    expect(t.columns).toEqual(['column2', 'column3']);
  });
  it('several label columns, by name and by number, come out in file order', () => {
    const t = parseCsv('x,id,y,group\n1,a,2,g1\n3,b,4,g2\n', {labelColumns: ['group', 2]});
    expect(t.labelColumns).toEqual(['id', 'group']);
    expect(t.labels).toEqual({id: ['a', 'b'], group: ['g1', 'g2']});
    expect(t.columns).toEqual(['x', 'y']);
    expectArraysClose(t.data, [1, 2, 3, 4], exact);
  });
  it('header: true reads a first line of numbers as names; header: false reads it as data', () => {
    const yes = parseCsv('10,20\n1,2\n', {header: true});
    expect([yes.columns, yes.rows]).toEqual([['10', '20'], 1]);
    const no = parseCsv('10,20\n1,2\n', {header: false});
    expect([no.columns, no.rows]).toEqual([['column1', 'column2'], 2]);
  });
  it('skips blank lines; one column; an empty header cell is named by its number', () => {
    const t = parseCsv('\n,v\n\n0,7\n   \n1,8\n\n', {labelColumns: [1]});
    expect(t.rows).toBe(2);
    expect(t.labels).toEqual({column1: ['0', '1']});
    expect(t.columns).toEqual(['v']);
    expect(parseCsv('v\n1\n2\n').columns).toEqual(['v']);
  });
  it('UTF-8 bytes with a BOM read like the text', () => {
    const t = parseCsv(new TextEncoder().encode('\ufeffgène,x\nα,1\n'), {labelColumns: ['gène']});
    expect(t.labels['gène']).toEqual(['α']);
  });
  it('any split of the text into chunks gives the same table (chunks inside quotes, between CR and LF)', () => {
    const text = '\ufeffid;"a;b";c\r\n"x\r\n""y""";1;2\r\n\r\nz;-3.5;4e-1\r\n';
    const whole = parseCsv(text, {labelColumns: ['id']});
    for (let size = 1; size <= text.length; size++) {
      const parser = createCsvParser('parseCsv', {labelColumns: ['id']});
      for (let i = 0; i < text.length; i += size) parser.push(text.slice(i, i + size));
      const t: CsvTable = parser.end();
      expect([t.delimiter, t.columns, t.labels, t.rows]).toEqual([whole.delimiter, whole.columns, whole.labels, whole.rows]);
      expect(Array.from(t.data)).toEqual(Array.from(whole.data)); // same parser, same float32 bits
    }
    expect(whole.labels.id).toEqual(['x\r\n"y"', 'z']);
  });
});

describe('parseCsv bad inputs', () => {
  const source = 'data.csv';
  const fails = (text: string, message: RegExp, options = {}) => {
    const run = () => parseCsv(text, {source, ...options});
    expect(run).toThrow(BadDataFileError);
    expect(run).toThrow(message);
  };
  it('a ragged row (too few fields) names the line, both counts and the delimiter', () => {
    fails('a,b,c\n1,2,3\n4,5\n', /^parseCsv: data\.csv: line 3 has 2 fields, expected 3 as on line 1 \(fields separated by ","\)$/);
  });
  it('a ragged row (too many fields) after a blank line counts the blank line', () => {
    fails('1,2\n\n3,4,5\n', /^parseCsv: data\.csv: line 3 has 3 fields, expected 2 as on line 1/);
  });
  it('a word in a numeric cell names line, column number and name, the text, and labelColumns', () => {
    fails('id,age\n1,30\n2,abc\n', /^parseCsv: data\.csv: line 3, column 2 \("age"\): "abc" is not a number, expected a decimal number such as 3, -0\.5 or 1e-3 \(if the column holds ids or labels, pass it in labelColumns\)$/);
  });
  it('CRLF line ends count one line each', () => {
    fails('a,b\r\n1,2\r\n3,x\r\n', /^parseCsv: data\.csv: line 3, column 2 \("b"\): "x" is not a number/);
  });
  it('without a header the column is named by its number only', () => {
    fails('1,2\n3,x\n', /^parseCsv: data\.csv: line 2, column 2: "x" is not a number/);
  });
  it('an empty cell', () => {
    fails('a,b\n1,\n', /^parseCsv: data\.csv: line 2, column 2 \("b"\) is empty, expected a number \(missing values are not supported/);
  });
  it.each(['NaN', 'nan', 'Infinity', '-inf'])('%p is refused as not finite', (cell) => {
    fails(`a,b\n1,${cell}\n`, new RegExp(`^parseCsv: data\\.csv: line 2, column 2 \\("b"\\): "${cell}" is not a finite number`));
  });
  it('a number beyond float32', () => {
    fails('a\n1e39\n', /line 2, column 1 \("a"\): "1e39" is beyond the float32 range/);
  });
  it.each(['0x10', '1,5', '1e', '.', '--1', '1.2.3'])('%p is not a decimal number', (cell) => {
    fails(`a;b\n1;${cell}\n`, /line 2, column 2 \("b"\): .* is not a number/, {delimiter: ';'});
  });
  it('an empty file, and one holding only a BOM and blank lines', () => {
    fails('', /^parseCsv: data\.csv: is empty, expected lines of numbers/);
    fails('\ufeff\r\n\n  \n', /^parseCsv: data\.csv: is empty/);
  });
  it('a header-only file', () => {
    fails('a,b,c\n', /^parseCsv: data\.csv: has a header line \(line 1\) but no data lines/);
  });
  it('an unterminated quote names the line where it opens', () => {
    fails('a,b\n1,2\n"x,3\n4,5\n', /^parseCsv: data\.csv: line 3: a quoted field opens here and is never closed/);
  });
  it('text after a closing quote', () => {
    fails('a,b\n"1"x,2\n', /^parseCsv: data\.csv: line 2: "x" follows the closing quote of a quoted field/);
  });
  it('bytes that are not UTF-8, and gzip bytes, are named as such', () => {
    const run = (bytes: number[]) => () => parseCsv(Uint8Array.from(bytes), {source});
    expect(run([0x61, 0xff, 0x0a])).toThrow(/^parseCsv: data\.csv is not UTF-8 text, expected a CSV or TSV file$/);
    expect(run([0x1f, 0x8b, 0x08])).toThrow(/gzip magic 0x1f 0x8b, gunzip it first/);
  });
});

describe('parseCsv options that do not fit', () => {
  const fails = (text: string, options: object, message: RegExp) => {
    const run = () => parseCsv(text, {source: 'd.csv', ...options});
    expect(run).toThrow(BadConfigError);
    expect(run).toThrow(message);
  };
  it('a label column the header lacks lists the columns', () => {
    fails('a,b\n1,2\n', {labelColumns: ['id']}, /^parseCsv: labelColumns names "id", but d\.csv has no such column; its columns are "a", "b"$/);
  });
  it('a label column number beyond the last column', () => {
    fails('1,2\n3,4\n', {labelColumns: [3]}, /^parseCsv: labelColumns names column 3, but d\.csv has 2 columns$/);
  });
  it('a label column by name in a file whose first line is numbers (header forced off)', () => {
    fails('1,2\n3,4\n', {labelColumns: ['a'], header: false}, /labelColumns names a column \("a"\) but header is false/);
  });
  it('every column a label column', () => {
    fails('a,b\nx,y\n', {labelColumns: ['a', 'b']}, /every column of d\.csv is a label column/);
  });
  it.each([
    [{delimiter: ',,'}, /^parseCsv: delimiter must be one character other than a quote or a line break/],
    [{delimiter: '"'}, /delimiter must be one character/],
    [{header: 'yes'}, /^parseCsv: header must be true, false or 'auto', got "yes"$/],
    [{labelColumns: [0]}, /^parseCsv: labelColumns\[0\] must be a column name or a column number counted from 1, got 0$/],
    [{labelColumns: 'id'}, /labelColumns must be an array/],
    [{labelColumns: ['a', 'a']}, /labelColumns names "a" twice/],
    [{labelColumn: ['a']}, /^parseCsv: unknown option "labelColumn"; expected one of delimiter, header, labelColumns, source$/],
  ])('%p', (options, message) => fails('a,b\n1,2\n', options, message));
});
