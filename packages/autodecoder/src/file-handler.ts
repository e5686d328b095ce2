import * as tf from '@tensorflow/tfjs-core';
import {readFile} from 'node:fs/promises';
import {basename, dirname, join} from 'node:path';
import {BadConfigError, BadDataFileError, describe} from '@encoderless/errors';
import {writeFileAtomic} from '@encoderless/report/node';
import {weightSpecBytes} from './auto-decoder-artifacts';

const MODEL_FILE = 'model.json';
const WEIGHTS_FILE = 'weights.bin';

/**
 * A tfjs IO handler for files, without tfjs-node: `save` writes `model.json` (topology and
 * weights manifest, tfjs's layout) and `weights.bin` into a folder, each atomically (a
 * temporary file, fsync, rename, then the folder is synced), weights first so that a
 * `model.json` never points at weights that are not there. `load` reads them back; a missing,
 * unreadable, non-JSON or truncated file is a `BadDataFileError` naming it.
 *
 * `path` is the folder, or its `model.json`; a `file://` prefix is dropped. Nothing is
 * registered with tfjs: pass the handler where a URL would go.
 *
 * ```ts
 * await model.save(fileHandler('models/penguins'));
 * const again = await loadAutoDecoder(fileHandler('models/penguins'));
 * ```
 */
export function fileHandler(path: string): tf.io.IOHandler {
  if (typeof path !== 'string' || path.length === 0) {
    throw new BadConfigError(`fileHandler: path must be a folder path (or its model.json), got ${describe(path)}`, {option: 'path'});
  }
  const plain = path.replace(/^file:\/\//, '');
  const folder = basename(plain) === MODEL_FILE ? dirname(plain) : plain;
  const modelPath = join(folder, MODEL_FILE);

  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      const weightData = new Uint8Array(tf.io.concatenateArrayBuffers(artifacts.weightData as ArrayBuffer | ArrayBuffer[] ?? new ArrayBuffer(0)));
      const modelJson = {
        modelTopology: artifacts.modelTopology, format: artifacts.format, generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{paths: [`./${WEIGHTS_FILE}`], weights: artifacts.weightSpecs ?? []}],
      };
      const text = new TextEncoder().encode(JSON.stringify(modelJson));
      // writeFileAtomic makes the folder (one level at a time: a recursive mkdir hangs under
      // /proc) and fsyncs it after each rename.
      await writeSynced(join(folder, WEIGHTS_FILE), weightData);
      await writeSynced(modelPath, text);
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(), modelTopologyType: 'JSON', modelTopologyBytes: text.byteLength,
          weightSpecsBytes: JSON.stringify(artifacts.weightSpecs ?? []).length, weightDataBytes: weightData.byteLength,
        },
      };
    },

    async load(): Promise<tf.io.ModelArtifacts> {
      let text: string;
      try {
        text = await readFile(modelPath, 'utf8');
      } catch (err) {
        throw new BadDataFileError(`fileHandler: cannot read ${modelPath}: ${(err as Error).message}`, modelPath, {cause: err});
      }
      let json: tf.io.ModelJSON;
      try {
        json = JSON.parse(text);
      } catch (err) {
        throw new BadDataFileError(`fileHandler: ${modelPath} is not valid JSON (${(err as Error).message}): the file is truncated or corrupted`,
          modelPath, {cause: err});
      }
      if (typeof json !== 'object' || json === null || !Array.isArray(json.weightsManifest)) {
        throw new BadDataFileError(`fileHandler: ${modelPath} has no weightsManifest: not a tfjs model.json`, modelPath);
      }
      return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
        const specs: tf.io.WeightsManifestEntry[] = [];
        const buffers: ArrayBuffer[] = [];
        for (const group of manifest) {
          const groupBytes = weightSpecBytes(group.weights);
          const parts: Uint8Array[] = [];
          for (const relative of group.paths) {
            const file = join(folder, relative);
            try {
              parts.push(await readFile(file));
            } catch (err) {
              throw new BadDataFileError(`fileHandler: cannot read ${file}, listed in ${modelPath}: ${(err as Error).message}`, file, {cause: err});
            }
          }
          const got = parts.reduce((s, p) => s + p.byteLength, 0);
          if (got !== groupBytes) {
            const file = join(folder, group.paths[group.paths.length - 1]);
            throw new BadDataFileError(`fileHandler: ${file} holds ${got} bytes, ${modelPath} lists weights of ${groupBytes} bytes: ` +
              `the weights file is ${got < groupBytes ? 'truncated' : 'longer than listed'}`, file);
          }
          specs.push(...group.weights);
          for (const p of parts) buffers.push(p.buffer.slice(p.byteOffset, p.byteOffset + p.byteLength) as ArrayBuffer);
        }
        return [specs, tf.io.concatenateArrayBuffers(buffers)];
      });
    },
  };
}

/** `writeFileAtomic` (a temporary file, fsynced, renamed over it), its failure told as a file error. */
async function writeSynced(file: string, bytes: Uint8Array): Promise<void> {
  try {
    await writeFileAtomic(file, bytes);
  } catch (err) {
    throw new BadDataFileError(`fileHandler: cannot write ${file}: ${(err as Error).message}`, file, {cause: err});
  }
}

