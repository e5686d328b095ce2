import {toCsv} from './to-csv';

/** A small RFC 4180 reader, written independently of `toCsv`, to check the round trip. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = '', record: string[] = [], quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { record.push(field); field = ''; }
    else if (c === '\n') { record.push(field); records.push(record); record = []; field = ''; }
    else field += c;
  }
  return records;
}

describe('toCsv', () => {
  it('header and rows, newline at the end, NaN/null/undefined empty', () => {
    expect(toCsv([{step: 1, loss: 0.5}, {step: 2, loss: NaN}, {step: 3, loss: null}, {step: 4}]))
      .toBe('step,loss\n1,0.5\n2,\n3,\n4,\n');
  });

  it('quotes commas, quotes and newlines (RFC 4180) and reads back the same text', () => {
    const rows = [{name: 'a,b', note: 'say "hi"', text: 'line1\nline2', cr: 'x\ry', plain: 'ok'}];
    const csv = toCsv(rows);
    expect(csv).toBe('name,note,text,cr,plain\n"a,b","say ""hi""","line1\nline2","x\ry",ok\n');
    expect(parseCsv(csv)).toEqual([['name', 'note', 'text', 'cr', 'plain'], ['a,b', 'say "hi"', 'line1\nline2', 'x\ry', 'ok']]);
  });

  it('numbers round-trip exactly through the text', () => {
    const values = [0.1 + 0.2, 1 / 3, 1e-300, 123456789.123, -0.000001234, 5e21, Math.PI];
    const csv = toCsv(values.map((v) => ({v})));
    const back = parseCsv(csv).slice(1).map(([text]) => Number(text));
    // Exact equality is the point here: the text must parse back to the very same float64.
    expect(back).toEqual(values);
  });

  it('columns pick and order; a column missing from some rows is empty there', () => {
    expect(toCsv([{a: 1, b: 2}, {b: 3}], ['b', 'a'])).toBe('b,a\n2,1\n3,\n');
  });

  it('booleans, arrays, typed arrays, dates', () => {
    expect(toCsv([{ok: true, dims: [2, 3], f: new Float32Array([0.5]), at: new Date(Date.UTC(2024, 0, 2))}]))
      .toBe('ok,dims,f,at\ntrue,"[2,3]",[0.5],2024-01-02T00:00:00.000Z\n');
  });

  it('bigints as digits, objects as JSON, what JSON cannot hold (a function) as an empty field', () => {
    expect(toCsv([{n: 12345678901234567890n, cfg: {lr: 0.1}, f: () => 0}])).toBe('n,cfg,f\n12345678901234567890,"{""lr"":0.1}",\n');
  });

  it('no rows and no columns gives an empty header line', () => {
    expect(toCsv([])).toBe('\n');
  });

  it('throws when a column is unknown, naming the function and the known columns', () => {
    expect(() => toCsv([{step: 1, loss: 2}], ['lsos']))
      .toThrow(/toCsv: columns\[0\] is "lsos", expected a key of the rows \(step, loss\)/);
  });
});
