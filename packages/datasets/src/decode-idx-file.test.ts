import {gzipSync} from 'node:zlib';
import {BadDataFileError, parseIdx} from './index';
import {decodeIdxFile} from './node';

// A 1-d ubyte file [4] = 10, 20, 30, 40.
const raw = Uint8Array.from([0, 0, 8, 1, 0, 0, 0, 4, 10, 20, 30, 40]);

describe('decodeIdxFile', () => {
  it('raw bytes: the same as parseIdx', () => {
    expect(decodeIdxFile(raw, 'a')).toEqual(parseIdx(raw, 'a'));
  });
  it('gzip-compressed bytes (magic 1f 8b) are gunzipped first', () => {
    const gz = gzipSync(raw);
    expect([gz[0], gz[1]]).toEqual([0x1f, 0x8b]);
    const out = decodeIdxFile(gz, 'a.gz');
    expect(out.dims).toEqual([4]);
    expect(Array.from(out.data)).toEqual([10, 20, 30, 40]);
  });
  it('throws BadDataFileError naming the file when the gzip stream is truncated', () => {
    const gz = gzipSync(raw);
    const cut = () => decodeIdxFile(gz.subarray(0, gz.length - 6), 'cache/x.gz');
    expect(cut).toThrow(BadDataFileError);
    expect(cut).toThrow(/^decodeIdxFile: cache\/x\.gz: gzip data is corrupt or truncated \(zlib: .*\); expected a complete gzip-compressed IDX file/);
  });
  it('a valid gzip of a truncated IDX file is reported by parseIdx with the .gz name', () => {
    expect(() => decodeIdxFile(gzipSync(raw.subarray(0, 11)), 'x.gz')).toThrow(/^parseIdx: x\.gz: file is 11 bytes long, expected 12/);
  });
});
