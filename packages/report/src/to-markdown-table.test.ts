import {compileFormat, toMarkdownTable} from './to-markdown-table';

describe('toMarkdownTable', () => {
  it('per-column number formats, numbers right-aligned, text left-aligned', () => {
    const rows = [
      {model: 'decoder', N: 400, loss: 0.012345, lr: 0.001, acc: 0.9712},
      {model: 'autoencoder', N: 12000, loss: 0.1, lr: 0.0003, acc: 0.9},
    ];
    expect(toMarkdownTable(rows, {format: {N: ',', loss: '.3f', lr: '.1e', acc: '.1%'}})).toBe([
      '| model       |      N |  loss |     lr |   acc |',
      '| ----------- | -----: | ----: | -----: | ----: |',
      '| decoder     |    400 | 0.012 | 1.0e-3 | 97.1% |',
      '| autoencoder | 12,000 | 0.100 | 3.0e-4 | 90.0% |',
      '',
    ].join('\n'));
  });

  it('columns pick and order; null is empty, NaN stays visible', () => {
    expect(toMarkdownTable([{a: 1, b: NaN}, {a: null, b: 2}], {columns: ['b', 'a'], format: {b: '.2f'}})).toBe([
      '|    b |   a |',
      '| ---: | --: |',
      '|  NaN |   1 |',
      '| 2.00 |     |',
      '',
    ].join('\n'));
  });

  it('escapes pipes and turns newlines into <br>', () => {
    expect(toMarkdownTable([{note: 'a|b\nc'}])).toBe('| note      |\n| --------- |\n| a\\|b<br>c |\n');
  });

  it('a function format', () => {
    expect(toMarkdownTable([{t: 61}], {format: {t: (s) => `${s / 60 | 0}m`}})).toContain('|  1m |');
  });

  it('throws when a column is unknown', () => {
    expect(() => toMarkdownTable([{a: 1}], {columns: ['b']}))
      .toThrow(/toMarkdownTable: columns\[0\] is "b", expected a key of the rows \(a\)/);
  });

  it('throws when a format names a column not in the table', () => {
    expect(() => toMarkdownTable([{a: 1, b: 2}], {columns: ['a'], format: {b: '.2f'}}))
      .toThrow(/toMarkdownTable: format has a key "b", expected one of the columns \(a\)/);
  });

  it('throws when a format spec is unknown', () => {
    expect(() => toMarkdownTable([{a: 1}], {format: {a: '%.2f'}}))
      .toThrow(/toMarkdownTable: format\.a must be a function or one of .*got "%\.2f"/);
  });
});

describe('compileFormat', () => {
  it.each([
    ['.2f', 3.14159, '3.14'], ['.0f', 2.5, '3'], ['.2e', 12345, '1.23e+4'], ['.3g', 0.00012345, '0.000123'],
    ['.3g', 1200, '1200'], ['.0%', 0.256, '26%'], ['d', 7.6, '8'], [',', 1234567, '1,234,567'],
  ])('%p formats %p as %p', (spec, value, expected) => {
    expect(compileFormat('f', 'x', spec)(value)).toBe(expected);
  });
});
