import {createHash} from 'node:crypto';
import {sha256Hex} from './sha256';

describe('sha256Hex', () => {
  it('matches the FIPS 180-4 examples', () => {
    const text = (s: string) => new TextEncoder().encode(s);
    expect(sha256Hex(text('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex(text(''))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex(text('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')))
      .toBe('248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
  });

  it('matches node:crypto on every length from 0 to 200 and on a subarray view', () => {
    const bytes = Uint8Array.from({length: 300}, (_, i) => (i * 37 + 11) & 255);
    for (let n = 0; n <= 200; n++) {
      const part = bytes.subarray(50, 50 + n);
      expect(sha256Hex(part)).toBe(createHash('sha256').update(part).digest('hex'));
    }
  });
});
