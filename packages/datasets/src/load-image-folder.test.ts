import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import * as jpeg from 'jpeg-js';
import {PNG} from 'pngjs';
import {expectArraysClose} from '@encoderless/test-utils';
import {BadConfigError} from './bad-config-error';
import {BadDataFileError} from './bad-data-file-error';
import {loadImageFolder} from './load-image-folder';
import {resizeImage} from './resize-image';

/** An opaque RGBA image [h, w, 4] whose pixels encode a seed, so files can be told apart. */
function pixels(h: number, w: number, seed: number): Uint8Array {
  const data = new Uint8Array(h * w * 4);
  for (let i = 0; i < h * w; i++) data.set([(seed * 40 + i) % 256, (seed * 7 + 2 * i) % 256, (seed * 90) % 256, 255], i * 4);
  return data;
}
function png(h: number, w: number, data: Uint8Array, colorType: 0 | 2 | 6 = 2): Buffer {
  const image = new PNG({width: w, height: h});
  image.data = Buffer.from(data);
  return PNG.sync.write(image, {colorType, inputColorType: 6, inputHasAlpha: true});
}
const rgbOf = (data: Uint8Array) => Array.from(data).filter((_, i) => i % 4 !== 3);

describe('loadImageFolder', () => {
  let dir: string;
  beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'image-folder-')); });
  afterEach(async () => { await rm(dir, {recursive: true, force: true}); });

  async function put(path: string, bytes: Uint8Array | string): Promise<void> {
    await mkdir(join(dir, path, '..'), {recursive: true});
    await writeFile(join(dir, path), bytes);
  }

  it('2 classes of 4×4 PNGs: sorted classes, labels, files, pixels byte / 255', async () => {
    await put('dog/b.png', png(4, 4, pixels(4, 4, 3)));
    await put('dog/a.png', png(4, 4, pixels(4, 4, 2)));
    await put('cat/z.png', png(4, 4, pixels(4, 4, 1)));
    await put('cat/.DS_Store', 'junk');
    await put('cat/notes.txt', 'not an image');
    const data = await loadImageFolder({dir, size: [4, 4]});
    expect(data.classes).toEqual(['cat', 'dog']);
    expect(data.files).toEqual(['cat/z.png', 'dog/a.png', 'dog/b.png']);
    expect(Array.from(data.labels)).toEqual([0, 1, 1]);
    expect(data.count).toBe(3);
    expect(data.shape).toEqual([3, 4, 4, 3]);
    expect(data.skipped).toEqual([]);
    const expected = [1, 2, 3].flatMap((seed) => rgbOf(pixels(4, 4, seed)).map((v) => v / 255));
    expectArraysClose(data.images, expected, {atol: 1e-7, rtol: 0}); // byte / 255 in float32
  });

  it('split reads a subfolder; JPEG, grayscale PNG and RGBA PNG all become RGB', async () => {
    const rgba = pixels(4, 4, 5).map((v, i) => (i % 4 === 3 ? 0 : v)); // fully transparent, RGB kept
    const gray = Uint8Array.from({length: 16}, (_, i) => i * 16).reduce((acc, g, i) => (acc.set([g, g, g, 255], i * 4), acc), new Uint8Array(64));
    await put('train/a/1.jpg', jpeg.encode({width: 4, height: 4, data: Buffer.from(pixels(4, 4, 4))}, 95).data);
    await put('train/b/2.png', png(4, 4, gray, 0));
    await put('train/c/3.png', png(4, 4, rgba, 6));
    await put('test/a/9.png', png(4, 4, pixels(4, 4, 9)));
    const data = await loadImageFolder({dir, split: 'train', size: [4, 4]});
    expect(data.classes).toEqual(['a', 'b', 'c']);
    const row = (n: number) => data.images.subarray(n * 48, (n + 1) * 48);
    // JPEG quality 95 is lossy: at most 2 levels off measured with jpeg-js 0.4.4; 6/255 leaves room.
    expectArraysClose(row(0), rgbOf(pixels(4, 4, 4)).map((v) => v / 255), {atol: 6 / 255, rtol: 0});
    expectArraysClose(row(1), rgbOf(gray).map((v) => v / 255), {atol: 1e-7, rtol: 0});
    expectArraysClose(row(2), rgbOf(rgba).map((v) => v / 255), {atol: 1e-7, rtol: 0});
  });

  it('rejects an image of the wrong size by default, naming the file, its size and the expected size', async () => {
    await put('cat/ok.png', png(4, 4, pixels(4, 4, 1)));
    await put('cat/big.png', png(8, 10, pixels(8, 10, 1)));
    await expect(loadImageFolder({dir, size: [4, 4]})).rejects.toThrow(BadDataFileError);
    await expect(loadImageFolder({dir, size: [4, 4]}))
      .rejects.toThrow(/loadImageFolder: .*cat[/\\]big\.png is 8×10 \(height×width\), expected 4×4: pass onWrongSize: 'resize'/);
    // The option at fault travels as a field, so a command line can name its own flag without parsing this message.
    await expect(loadImageFolder({dir, size: [4, 4]})).rejects.toMatchObject({option: 'onWrongSize'});
  });

  it("onWrongSize 'resize' resizes with resizeImage", async () => {
    const src = pixels(8, 6, 2);
    await put('cat/big.png', png(8, 6, src));
    const data = await loadImageFolder({dir, size: [4, 4], onWrongSize: 'resize'});
    const expected = resizeImage({height: 8, width: 6, data: rgbOf(src)}, [4, 4]).data;
    expectArraysClose(data.images, Array.from(expected, (v) => v / 255), {atol: 1e-6, rtol: 0});
    await put('cat/small.png', png(4, 4, pixels(4, 4, 1)));
    expect((await loadImageFolder({dir, size: [4, 4], onWrongSize: 'resize'})).resized).toEqual(['cat/big.png']);
  });

  it('throws naming an empty class folder', async () => {
    await put('cat/1.png', png(4, 4, pixels(4, 4, 1)));
    await put('dog/readme.txt', 'no images here');
    await expect(loadImageFolder({dir, size: [4, 4]})).rejects.toThrow(/loadImageFolder: class folder .*dog has no images/);
  });

  it('throws when there are no class folders, or the folder is missing', async () => {
    await put('loose.png', png(4, 4, pixels(4, 4, 1)));
    await expect(loadImageFolder({dir})).rejects.toThrow(/has no class subfolders/);
    await expect(loadImageFolder({dir, split: 'nope'})).rejects.toThrow(/cannot list split "nope" of dir .*nope \(ENOENT\)/);
  });

  it("a corrupt image throws naming it, or with onCorrupt 'skip' is skipped and listed", async () => {
    await put('cat/1.png', png(4, 4, pixels(4, 4, 1)));
    await put('cat/2.jpg', 'this is not a jpeg');
    await put('dog/3.png', png(4, 4, pixels(4, 4, 3)));
    await expect(loadImageFolder({dir, size: [4, 4]})).rejects.toThrow(/decodeImage: .*cat[/\\]2\.jpg starts with bytes/);
    await expect(loadImageFolder({dir, size: [4, 4]})).rejects.toMatchObject({option: 'onCorrupt', file: join(dir, 'cat', '2.jpg')});
    const data = await loadImageFolder({dir, size: [4, 4], onCorrupt: 'skip'});
    expect(data.count).toBe(2);
    expect(data.files).toEqual(['cat/1.png', 'dog/3.png']);
    expect(Array.from(data.labels)).toEqual([0, 1]);
    expect(data.skipped).toHaveLength(1);
    expect(data.skipped[0].file).toBe('cat/2.jpg');
    expect(data.skipped[0].reason).toMatch(/expected a PNG .* or JPEG/);
    // The rows after the skipped one moved up: row 1 is dog/3.png.
    expectArraysClose(data.images.subarray(48, 96), rgbOf(pixels(4, 4, 3)).map((v) => v / 255), {atol: 1e-7, rtol: 0});
    expect(data.images.length).toBe(2 * 48);
  });

  it('throws BadConfigError on bad options', async () => {
    await expect(loadImageFolder({dir, onWrongSize: 'crop' as 'resize'})).rejects.toThrow(BadConfigError);
    await expect(loadImageFolder({dir, onWrongSize: 'crop' as 'resize'})).rejects.toThrow(/onWrongSize must be 'resize' or 'reject', got "crop"/);
    await expect(loadImageFolder({dir, channels: 1 as 3})).rejects.toThrow(/channels must be 3/);
    await expect(loadImageFolder({dir, size: [32] as unknown as [number, number]})).rejects.toThrow(/size must be \[height, width\]/);
    await expect(loadImageFolder({dir, colour: true} as never)).rejects.toThrow(/unknown option "colour"/);
  });
});
