import {formatLoadTable, tabulateLoads, BadLoadArgumentError} from './index';

const rows = [
  {samples: 1000, decoderLoad: 2.7618, encoderLoad: 0.0776},
  {samples: 12_888, decoderLoad: 21.04, encoderLoad: 1.0001},
];

describe('formatLoadTable', () => {
  it('text: right-aligned columns, N grouped by thousands, 2 digits', () => {
    expect(formatLoadTable(rows)).toBe([
      '     N  decoder load  encoder load',
      ' 1,000          2.76          0.08',
      '12,888         21.04          1.00',
    ].join('\n'));
  });

  it('markdown with 3 digits', () => {
    expect(formatLoadTable(rows, {format: 'markdown', digits: 3})).toBe([
      '| N | decoder load | encoder load |',
      '|---:|---:|---:|',
      '| 1,000 | 2.762 | 0.078 |',
      '| 12,888 | 21.040 | 1.000 |',
    ].join('\n'));
  });

  it('decoder-only rows from tabulateLoads drop the encoder column', () => {
    // N = 1,000,000: 1e9 / (11,000 + 1e8) = 9.99890… → "10.00"
    const table = formatLoadTable(tabulateLoads({samples: [1000, 1_000_000], dataDim: 1000,
      latentDim: 100, decoderWeights: 11_000}));
    expect(table).toBe([
      '        N  decoder load',
      '    1,000          9.01',
      '1,000,000         10.00',
    ].join('\n'));
  });

  it('a row without an encoder load among rows with one shows "-"', () => {
    expect(formatLoadTable([{samples: 5, decoderLoad: 1}, {samples: 6, decoderLoad: 1, encoderLoad: 2}],
      {digits: 0}).split('\n')[1]).toBe('5             1             -');
  });

  it('empty rows give only the header', () => {
    expect(formatLoadTable([], {format: 'markdown'})).toBe('| N | decoder load |\n|---:|---:|');
  });

  it('throws on a bad format, bad digits and bad rows', () => {
    expect(() => formatLoadTable(rows, {format: 'html' as never}))
      .toThrow(/^formatLoadTable: format must be "text" or "markdown", got "html"$/);
    expect(() => formatLoadTable(rows, {digits: -1})).toThrow(/^formatLoadTable: digits must be an integer in \[0, 20\], got -1$/);
    expect(() => formatLoadTable([{samples: 0, decoderLoad: 1}]))
      .toThrow(/^formatLoadTable: rows\[0\].samples must be a positive integer, got 0$/);
    expect(() => formatLoadTable([{samples: 1, decoderLoad: NaN}]))
      .toThrow(/^formatLoadTable: rows\[0\].decoderLoad must be a finite number ≥ 0, got NaN$/);
    expect(() => formatLoadTable('rows' as never)).toThrow(BadLoadArgumentError);
    expect(() => formatLoadTable('rows' as never))
      .toThrow(/^formatLoadTable: rows must be an array of \{samples, decoderLoad, encoderLoad\?\}, got "rows"$/);
    expect(() => formatLoadTable([5] as never)).toThrow(/^formatLoadTable: rows\[0\] must be an object \{samples, decoderLoad, encoderLoad\?\}, got 5$/);
    expect(() => formatLoadTable([rows[0], null] as never))
      .toThrow(/^formatLoadTable: rows\[1\] must be an object \{samples, decoderLoad, encoderLoad\?\}, got null$/);
    expect(() => formatLoadTable([{samples: '5', decoderLoad: 1}] as never))
      .toThrow(/^formatLoadTable: rows\[0\].samples must be a positive integer, got "5"$/);
    expect(() => formatLoadTable([{samples: 5}] as never))
      .toThrow(/^formatLoadTable: rows\[0\].decoderLoad must be a finite number ≥ 0, got undefined$/);
    expect(() => formatLoadTable([{samples: 5, decoderLoad: 1, encoderLoad: -0.5}]))
      .toThrow(/^formatLoadTable: rows\[0\].encoderLoad must be a finite number ≥ 0, got -0.5$/);
  });

  it('digits: 0 to 20 (what toFixed takes); a load of 0 is a load', () => {
    expect(() => formatLoadTable(rows, {digits: 21})).toThrow(/^formatLoadTable: digits must be an integer in \[0, 20\], got 21$/);
    expect(formatLoadTable([{samples: 1, decoderLoad: 0.5}], {digits: 20}).split('\n')[1]).toBe(`1  ${(0.5).toFixed(20)}`);
    expect(formatLoadTable([{samples: 1, decoderLoad: 0, encoderLoad: 0}], {digits: 1}).split('\n')[1])
      .toBe('1           0.0           0.0');
  });
});
