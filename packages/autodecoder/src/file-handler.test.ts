import * as tf from '@tensorflow/tfjs-core';
import {execFile} from 'node:child_process';
import {mkdtemp, readFile, readdir, rm, truncate, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join, resolve} from 'node:path';
import {promisify} from 'node:util';
import {useBackend} from '@encoderless/backends';
import {fileHandler} from './node';
import {fitAutoDecoder, loadAutoDecoder, type AutoDecoder, type FitAutoDecoderOptions} from './index';

const run = promisify(execFile);
const packageDir = resolve(__dirname, '..');

/**
 * The child: loads the model with the built package, decodes the given representations and
 * transforms the given samples with seed 5, and writes both as raw float32 bytes.
 */
const childScript = `
const [pkg, folder, repsFile, dataFile, outDir, latentDim, shape, maxSteps] = process.argv.slice(2);
const {readFileSync, writeFileSync} = require('node:fs');
const req = (name) => require(require.resolve(name, {paths: [pkg]}));
const {useBackend} = req('@encoderless/backends');
const {loadAutoDecoder} = require(pkg + '/dist/index.js');
const {fileHandler} = require(pkg + '/dist/node.js');
const floats = (file) => { const b = readFileSync(file); return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4); };
(async () => {
  await useBackend('wasm');
  const model = await loadAutoDecoder(fileHandler(folder));
  const m = Number(latentDim), dims = JSON.parse(shape);
  const reps = floats(repsFile), rows = [];
  for (let i = 0; i < reps.length / m; i++) rows.push(Array.from(reps.subarray(i * m, (i + 1) * m)));
  const decoded = model.decodeTensor(rows).dataSync();
  const data = floats(dataFile);
  const {representations, losses} = await model.transform({data, shape: [data.length / dims.reduce((a, b) => a * b, 1), ...dims]},
    {seed: 5, maxSteps: Number(maxSteps)});
  writeFileSync(outDir + '/decoded.bin', new Uint8Array(new Float32Array(decoded).buffer));
  writeFileSync(outDir + '/transformed.bin', new Uint8Array(Float32Array.from(representations.flat()).buffer));
  writeFileSync(outDir + '/losses.bin', new Uint8Array(Float32Array.from(losses).buffer));
})().catch((err) => { console.error(err); process.exit(1); });
`;

const bytes = (a: ArrayLike<number>) => Buffer.from(Float32Array.from(a).buffer);

/** Saves `model`, runs the child on it and checks its decodes and transform are this process's, bit for bit. */
async function expectSameInFreshProcess(model: AutoDecoder, newData: Float32Array, maxSteps: number): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'autodecoder-fresh-'));
  try {
    await model.save(fileHandler(join(dir, 'model')));
    const reps = model.representations.slice(0, 4);
    await writeFile(join(dir, 'reps.bin'), bytes(reps.flat()));
    await writeFile(join(dir, 'data.bin'), bytes(newData));
    await writeFile(join(dir, 'child.cjs'), childScript);
    await run(process.execPath, [join(dir, 'child.cjs'), packageDir, join(dir, 'model'), join(dir, 'reps.bin'), join(dir, 'data.bin'), dir,
      String(model.latentDim), JSON.stringify(model.featureShape), String(maxSteps)], {timeout: 120_000});
    const decoded = model.decodeTensor(reps);
    const local = decoded.dataSync();
    decoded.dispose();
    const count = newData.length / model.featureShape.reduce((a, b) => a * b, 1);
    const {representations, losses} = await model.transform({data: newData, shape: [count, ...model.featureShape]}, {seed: 5, maxSteps});
    expect((await readFile(join(dir, 'decoded.bin'))).equals(bytes(local))).toBe(true);
    expect((await readFile(join(dir, 'transformed.bin'))).equals(bytes(representations.flat()))).toBe(true);
    expect((await readFile(join(dir, 'losses.bin'))).equals(bytes(losses))).toBe(true);
  } finally {
    await rm(dir, {recursive: true, force: true});
  }
}

function seededValues(count: number, seed: number): Float32Array {
  return tf.tidy(() => tf.randomUniform([count], 0, 1, 'float32', seed).dataSync() as Float32Array);
}

describe('fileHandler and a fresh process (wasm)', () => {
  beforeAll(async () => { await useBackend('wasm'); });

  it('MLP decoder, standardised table: a fresh process decodes and transforms bit-identically', async () => {
    const data = Array.from({length: 60}, (_, i) => [Math.sin(i) * 10, Math.cos(i), i, (i % 7) * 3]);
    const model = await fitAutoDecoder(data, {latentDim: 2, epochs: 5, decoder: {kind: 'mlp', hidden: [16, 16]}});
    await expectSameInFreshProcess(model, Float32Array.from(data.slice(0, 10).flat()), 20);
    model.dispose();
  });

  it('MNIST decoder (BCE on [28, 28, 1] images): a fresh process decodes and transforms bit-identically', async () => {
    const images = seededValues(12 * 784, 1);
    const options: FitAutoDecoderOptions = {latentDim: 4, epochs: 1, batchSize: 6, loss: 'bce', decoder: {kind: 'mnist-decoder', options: {latentDim: 4}}};
    const model = await fitAutoDecoder({data: images, shape: [12, 28, 28, 1]}, options);
    await expectSameInFreshProcess(model, images.subarray(0, 3 * 784), 3);
    model.dispose();
  });

  it('CIFAR 4x4 decoder with batch norm, after training moved its running statistics: bit-identical in a fresh process', async () => {
    const images = seededValues(8 * 32 * 32 * 3, 2);
    const model = await fitAutoDecoder({data: images, shape: [8, 32, 32, 3]}, {
      latentDim: 1024, epochs: 2, batchSize: 4, normalize: 'none', decoder: {kind: 'cifar-decoder', options: {variant: '4x4', capacity: 4}},
    });
    const means = model.decoder.state.filter((_, i) => model.decoder.weightNames[model.decoder.variables.length + i].endsWith('runningMean'));
    expect(means.length).toBeGreaterThan(0);
    expect(means.some((v) => v.dataSync().some((x) => x !== 0))).toBe(true); // training moved them off their initial 0
    await expectSameInFreshProcess(model, images.subarray(0, 2 * 32 * 32 * 3), 2);
    model.dispose();
  });

  describe('files', () => {
    let dir: string;
    let model: AutoDecoder;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'autodecoder-files-'));
      model = await fitAutoDecoder([[1, 2], [3, 5], [4, 4], [0, 1]], {latentDim: 1, epochs: 1, decoder: {kind: 'mlp', hidden: [2]}});
    });
    afterAll(async () => {
      model.dispose();
      await rm(dir, {recursive: true, force: true});
    });

    it('writes model.json (tfjs layout) and weights.bin, and nothing else; file:// and model.json paths work too', async () => {
      await model.save(fileHandler(`file://${join(dir, 'a')}`));
      expect((await readdir(join(dir, 'a'))).sort()).toEqual(['model.json', 'weights.bin']);
      const json = JSON.parse(await readFile(join(dir, 'a', 'model.json'), 'utf8'));
      expect(json.weightsManifest[0].paths).toEqual(['./weights.bin']);
      expect(json.modelTopology.format).toBe('encoderless-autodecoder');
      const again = await loadAutoDecoder(fileHandler(join(dir, 'a', 'model.json')));
      expect(await again.decode(model.representations)).toEqual(await model.decode(model.representations));
      again.dispose();
    });

    it('a folder that cannot be made is a file error at once (under /proc a recursive mkdir never returns)', async () => {
      if (process.platform !== 'linux') return;
      await expect(model.save(fileHandler('/proc/encoderless-test/m'))).rejects.toMatchObject({
        name: 'BadDataFileError', file: '/proc/encoderless-test/m/weights.bin',
        message: expect.stringMatching(/^fileHandler: cannot write \/proc\/encoderless-test\/m\/weights\.bin: ENOENT/)});
    });

    it('a truncated weights.bin, a cut model.json, a flipped weight byte and a missing folder are errors naming the file', async () => {
      const folder = join(dir, 'b');
      const weights = join(folder, 'weights.bin'), json = join(folder, 'model.json');
      await model.save(fileHandler(folder));
      const size = (await readFile(weights)).length;
      await truncate(weights, size - 3);
      const short = await loadAutoDecoder(fileHandler(folder)).catch((e) => e);
      expect(short.message).toMatch(new RegExp(`${weights.replace(/[/.]/g, '\\$&')} holds ${size - 3} bytes, .*the weights file is truncated`));
      expect(short.file).toBe(weights);

      await model.save(fileHandler(folder));
      const bin = await readFile(weights);
      bin[5] ^= 0x40;
      await writeFile(weights, bin);
      await expect(loadAutoDecoder(fileHandler(folder))).rejects.toThrow(/weight data does not match its SHA-256 checksum/);

      await model.save(fileHandler(folder));
      const text = await readFile(json, 'utf8');
      await writeFile(json, text.slice(0, text.length / 2));
      const cut = await loadAutoDecoder(fileHandler(folder)).catch((e) => e);
      expect(cut.message).toMatch(/model.json is not valid JSON .*: the file is truncated or corrupted/);
      expect(cut.file).toBe(json);

      await expect(loadAutoDecoder(fileHandler(join(dir, 'nothing-here')))).rejects.toThrow(/cannot read .*nothing-here\/model.json/);
    });
  });
});
