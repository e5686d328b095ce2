import * as zlib from 'zlib';

import {encodePng} from './encode-png';
import {renderImageGrid} from './render-image-grid';
import {tileImages} from './tile-images';

describe('tileImages', () => {
  it('2 grey 2×2 images in 1 row, padding 1: a 4+3 = 7 by 2+2 = 4 image, pixels where expected', () => {
    // Image a = [[0, 1], [0.5, 0.25]] → bytes [[0, 255], [128, 64]]; image b all 1 → 255.
    // Padding (value 0.5 → 128) rings each tile:
    //   row 0: pad ×7
    //   row 1: pad, 0, 255, pad, 255, 255, pad
    //   row 2: pad, 128, 64, pad, 255, 255, pad
    //   row 3: pad ×7
    const grid = tileImages({images: [[0, 1, 0.5, 0.25], [1, 1, 1, 1]], imageHeight: 2, imageWidth: 2,
      rows: 1, padding: 1, padValue: 0.5});
    const p = 128;
    expect(grid).toMatchObject({width: 7, height: 4, channels: 1});
    expect([...grid.data]).toEqual([
      p, p, p, p, p, p, p,
      p, 0, 255, p, 255, 255, p,
      p, 128, 64, p, 255, 255, p,
      p, p, p, p, p, p, p,
    ]);
  });

  it('a flat [count, h, w, c] Float32Array, scale 2, no padding: nearest-neighbour upscaling', () => {
    // One 1×2 RGB image: red then blue; at scale 2 it becomes 2 rows of red, red, blue, blue.
    const grid = tileImages({images: new Float32Array([1, 0, 0, 0, 0, 1]), imageHeight: 1, imageWidth: 2,
      channels: 3, padding: 0, scale: 2});
    expect(grid).toMatchObject({width: 4, height: 2, channels: 3});
    const red = [255, 0, 0], blue = [0, 0, 255];
    expect([...grid.data]).toEqual([...red, ...red, ...blue, ...blue, ...red, ...red, ...blue, ...blue]);
  });

  it('clips values outside [0, 1] and draws NaN black', () => {
    const grid = tileImages({images: [[-0.5, 2, NaN]], imageHeight: 1, imageWidth: 3, padding: 0});
    expect([...grid.data]).toEqual([0, 255, 0]);
  });

  it('default layout is square-ish and empty cells take the pad value', () => {
    // 5 images → cols = ceil(√5) = 3, rows = 2; the 6th cell stays white.
    const grid = tileImages({images: Array.from({length: 5}, () => [0]), imageHeight: 1, imageWidth: 1, padding: 0});
    expect(grid).toMatchObject({width: 3, height: 2});
    expect([...grid.data]).toEqual([0, 0, 0, 0, 0, 255]);
  });

  it('throws when an image length does not match height·width·channels', () => {
    expect(() => tileImages({images: [new Float32Array(784), new Float32Array(783)], imageHeight: 28, imageWidth: 28}))
      .toThrow(/^tileImages: images\[1\] must have imageHeight·imageWidth·channels = 28·28·1 = 784 values, got 783 values$/);
  });

  it('throws when a flat array is not a whole number of images', () => {
    expect(() => renderImageGrid({images: new Float32Array(1000), imageHeight: 28, imageWidth: 28}))
      .toThrow(/^renderImageGrid: images has 1000 values, expected a multiple of imageHeight·imageWidth·channels = 28·28·1 = 784$/);
  });

  it('throws when rows·cols cannot hold every image', () => {
    expect(() => tileImages({images: [[0], [0], [0]], imageHeight: 1, imageWidth: 1, rows: 1, cols: 2}))
      .toThrow(/tileImages: rows·cols must fit every image, expected at least 3 cells, got 1·2 = 2/);
  });

  it('throws when imageWidth is NaN', () => {
    expect(() => renderImageGrid({images: [[0]], imageHeight: 1, imageWidth: NaN}))
      .toThrow(/renderImageGrid: imageWidth must be a positive integer, got NaN/);
  });
});

describe('renderImageGrid', () => {
  it('is the PNG of tileImages: IHDR size and inflated pixels match', () => {
    const options = {images: [[0, 1, 0.5, 0.25], [1, 1, 1, 1]], imageHeight: 2, imageWidth: 2, padding: 1};
    const png = renderImageGrid(options);
    expect(png).toEqual(encodePng(tileImages(options)));
    const view = new DataView(png.buffer, png.byteOffset);
    // IHDR data starts at 8 (signature) + 8 (length, type).
    expect([view.getUint32(16), view.getUint32(20)]).toEqual([7, 4]);
    const idatLength = view.getUint32(33);
    const raw = zlib.inflateSync(png.subarray(41, 41 + idatLength));
    // Row 1 (after its filter byte 0): pad, 0, 255, pad, 255, 255, pad with white padding.
    expect([...raw.subarray(8, 16)]).toEqual([0, 255, 0, 255, 255, 255, 255, 255]);
  });
});
