import * as jpeg from 'jpeg-js';
import {PNG} from 'pngjs';
import {expectArraysClose} from '@encoderless/test-utils';
import {BadDataFileError} from './bad-data-file-error';
import {decodeImage} from './decode-image';

/** An RGBA test image [h, w, 4]: smooth gradients (JPEG-friendly), alpha varying. */
function rgba(h: number, w: number): Uint8Array {
  const data = new Uint8Array(h * w * 4);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const p = (y * w + x) * 4;
    data[p] = Math.round((255 * x) / (w - 1));
    data[p + 1] = Math.round((255 * y) / (h - 1));
    data[p + 2] = 100;
    data[p + 3] = (x * 37 + y) % 256; // includes 0: a transparent pixel keeps its RGB
  }
  return data;
}

/** The RGB bytes of an RGBA array, dropping every fourth byte. */
function dropAlpha(data: Uint8Array): number[] {
  return Array.from(data).filter((_, i) => i % 4 !== 3);
}

/** The same image with alpha 255: pngjs composites translucent input when it writes a format without alpha. */
function opaque(data: Uint8Array): Uint8Array {
  return data.map((v, i) => (i % 4 === 3 ? 255 : v));
}

function encodePng(width: number, height: number, data: Uint8Array, colorType: 0 | 2 | 4 | 6): Uint8Array {
  const png = new PNG({width, height, colorType, inputColorType: 6, inputHasAlpha: true});
  png.data = Buffer.from(data);
  return PNG.sync.write(png, {colorType, inputColorType: 6, inputHasAlpha: true});
}

describe('decodeImage', () => {
  it('PNG RGB 5×7 round trip is exact, [h, w, 3] row-major', () => {
    const src = opaque(rgba(5, 7));
    const image = decodeImage(encodePng(7, 5, src, 2), 'rgb.png');
    expect([image.height, image.width]).toEqual([5, 7]);
    expect(Array.from(image.data)).toEqual(dropAlpha(src));
    // Pixel (row 4, column 6) is the last: red 255, green 255, blue 100.
    expect(Array.from(image.data.subarray((4 * 7 + 6) * 3, (4 * 7 + 6) * 3 + 3))).toEqual([255, 255, 100]);
  });

  it('PNG RGBA drops alpha, keeping the RGB of transparent pixels', () => {
    const src = rgba(4, 6);
    const image = decodeImage(encodePng(6, 4, src, 6), 'rgba.png');
    expect(src[3]).toBe(0); // pixel (0, 0) is fully transparent
    expect(Array.from(image.data)).toEqual(dropAlpha(src));
  });

  it('PNG grayscale (and gray + alpha) becomes R = G = B = gray', () => {
    const gray = Uint8Array.from({length: 3 * 4}, (_, i) => i * 20);
    const src = new Uint8Array(3 * 4 * 4);
    const expected = Array.from(gray).flatMap((g) => [g, g, g]);
    for (const [colorType, alpha] of [[0, 255], [4, 200]] as const) {
      gray.forEach((g, i) => src.set([g, g, g, alpha], i * 4));
      const bytes = encodePng(4, 3, src, colorType);
      expect(bytes[25]).toBe(colorType); // IHDR colour type: the file really is grayscale
      expect(Array.from(decodeImage(bytes, 'gray.png').data)).toEqual(expected);
    }
  });

  it('JPEG round trip (quality 95) within 6 levels of 255 per byte', () => {
    const src = rgba(16, 24);
    const bytes = jpeg.encode({width: 24, height: 16, data: Buffer.from(src)}, 95).data;
    const image = decodeImage(bytes, 'x.jpg');
    expect([image.height, image.width]).toEqual([16, 24]);
    // Lossy: quality 95 on smooth gradients measures at most 4 levels off with jpeg-js 0.4.4; 6 leaves room.
    expectArraysClose(image.data, dropAlpha(src), {atol: 6, rtol: 0});
  });

  it('tells formats apart by magic bytes, not the name', () => {
    const png = encodePng(2, 2, rgba(2, 2), 2);
    expect(decodeImage(png, 'misnamed.jpg').width).toBe(2);
  });

  it('throws on bytes that are neither PNG nor JPEG, naming the file and the bytes', () => {
    expect(() => decodeImage(Buffer.from('GIF89a...'), 'cat/1.png')).toThrow(BadDataFileError);
    expect(() => decodeImage(Buffer.from('GIF89a...'), 'cat/1.png'))
      .toThrow(/decodeImage: cat\/1\.png starts with bytes \[47 49 46 38\] \(9 bytes\), expected a PNG .* or JPEG/);
  });

  it('throws on a truncated JPEG and a truncated PNG, naming the file', () => {
    const jpg = jpeg.encode({width: 16, height: 16, data: Buffer.from(rgba(16, 16))}, 90).data;
    expect(() => decodeImage(jpg.subarray(0, jpg.length >> 1), 'cut.jpg')).toThrow(/decodeImage: cut\.jpg is not a valid JPEG file/);
    const png = encodePng(16, 16, rgba(16, 16), 2);
    expect(() => decodeImage(png.subarray(0, png.length >> 1), 'cut.png')).toThrow(/decodeImage: cut\.png is not a valid PNG file/);
  });
});
