import {mkdtempSync, mkdirSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {listOwnPoints, readPoint, recordSchema, writePoint} from './points';

const check = recordSchema({integers: ['samples'], numbers: ['loss'], choices: {model: ['decoder', 'autoencoder']}});
const expected = {experiment: 'simulated', key: 'N6-a', run: 'abc123'};

describe('point files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'points-'));
  const put = (key: string, text: string) => {
    mkdirSync(join(dir, 'points'), {recursive: true});
    writeFileSync(join(dir, 'points', `${key}.json`), text);
  };

  it('round-trips records, and a missing point is undefined', async () => {
    await writePoint(dir, {...expected, records: [{samples: 6, loss: 0.5, model: 'decoder'}]});
    expect(readPoint(dir, expected, check)).toEqual([{samples: 6, loss: 0.5, model: 'decoder'}]);
    expect(readPoint(dir, {...expected, key: 'N9-a'}, check)).toBeUndefined();
  });

  it.each([
    ['[]', /points\/N6-a\.json: not a point of this run: expected an object with format "encoderless-point\/1", got an array of length 0/],
    ['{}', /points\/N6-a\.json: not a point of this run: expected format "encoderless-point\/1", got undefined/],
    ['{"format": "encoderless-point/1", "experiment": "simulated", "key": "N6-a", "run": "other", "records": []}', /was computed with other settings/],
    ['{"format": "encoderless-point/1", "experiment": "simulated", "key": "N6-a", "run": "abc123", "records": []}', /has no records/],
    ['{"format": "encoderless-point/1", "experiment": "simulated", "key": "N6-a", "run": "abc123", "records": [{"samples": 6, "model": "decoder"}]}',
      /record 0: loss is undefined, expected a number/],
    ['{"truncated', /not valid JSON/],
  ])('a malformed point %s is refused naming its path and the fix', (text, message) => {
    put('N6-a', text);
    expect(() => readPoint(dir, expected, check)).toThrow(message);
    expect(() => readPoint(dir, expected, check)).toThrow(/delete it to recompute that point/);
  });

  it('tells its own point files from others by their format field', async () => {
    await writePoint(dir, {...expected, key: 'mine', records: [{samples: 1, loss: 1, model: 'decoder'}]});
    put('theirs', '{"format": "something else"}');
    expect(listOwnPoints(dir)).toContain('mine');
    expect(listOwnPoints(dir)).not.toContain('theirs');
  });
});
