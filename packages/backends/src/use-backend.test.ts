import * as tf from '@tensorflow/tfjs-core';
import {useBackend, parseBackendChoice, installedBackends, isBackendInstalled, backendNameOf} from './index';

describe('parseBackendChoice', () => {
  it('takes the option first, then ENCODERLESS_BACKEND, then wasm', () => {
    expect(parseBackendChoice('cpu', {ENCODERLESS_BACKEND: 'node'})).toBe('cpu');
    expect(parseBackendChoice(undefined, {ENCODERLESS_BACKEND: 'Node-GPU'})).toBe('node-gpu');
    expect(parseBackendChoice(undefined, {})).toBe('wasm');
    expect(parseBackendChoice('auto', {})).toBe('auto');
  });
  it('throws when the name is unknown, naming it and the choices', () => {
    expect(() => parseBackendChoice('gpu', {})).toThrow(/unknown backend 'gpu'; expected one of auto, wasm, cpu, node, node-gpu/);
    expect(() => parseBackendChoice(undefined, {ENCODERLESS_BACKEND: 'webgl'}))
      .toThrow(/unknown backend 'webgl' \(from ENCODERLESS_BACKEND\)/);
  });
});

describe('backendNameOf', () => {
  it('names the backend tfjs registered, as useBackend takes it; undefined for one it does not know', async () => {
    for (const name of ['wasm', 'cpu'] as const) {
      const info = await useBackend(name);
      expect(backendNameOf(tf.getBackend())).toBe(name);
      expect(backendNameOf(info.tfjsName)).toBe(name);
    }
    expect(backendNameOf('tensorflow')).toBe('node'); // tfjs-node and tfjs-node-gpu alike
    expect(backendNameOf('webgl')).toBeUndefined();
  });
});

describe('useBackend', () => {
  it('switches to wasm and cpu, and gradients work on both', async () => {
    for (const name of ['wasm', 'cpu']) {
      const info = await useBackend(name);
      expect(info.name).toBe(name);
      expect(tf.getBackend()).toBe(name);
      const g = tf.grad((x: tf.Tensor) => tf.mean(tf.square(x)))(tf.tensor1d([1, 2]));
      expect(Array.from(g.dataSync())).toEqual([1, 2]); // d/dx mean(x²) = x, exact in float32
    }
  });
  it('auto picks the fastest installed backend', async () => {
    const info = await useBackend('auto');
    expect(info.name).toBe(installedBackends()[0]);
  });
  it('throws when an optional node backend is absent, saying what to install', async () => {
    if (isBackendInstalled('node')) {
      console.warn('skipping: @tensorflow/tfjs-node is installed here');
      return;
    }
    await expect(useBackend('node')).rejects.toThrow(/npm i @tensorflow\/tfjs-node@4\.22\.0/);
  });
  it('hands wasmPaths to the wasm package before it starts, and refuses a module without setWasmPaths', async () => {
    await useBackend('wasm');
    const calls: unknown[] = [];
    const wasm = {setWasmPaths: (paths: unknown) => { calls.push(paths); }};
    await useBackend('wasm', {module: wasm, wasmPaths: '/static/wasm/'});
    expect(calls).toEqual(['/static/wasm/']);
    expect(tf.getBackend()).toBe('wasm');
    await expect(useBackend('wasm', {module: {}, wasmPaths: '/static/wasm/'}))
      .rejects.toThrow(/^useBackend: options\.wasmPaths needs the wasm backend's setWasmPaths, but options\.module has none/);
    const failing = {setWasmPaths: () => { throw new Error('There were no entries found for the following binaries: x'); }};
    await expect(useBackend('wasm', {module: failing, wasmPaths: {}}))
      .rejects.toThrow(/^useBackend: options\.wasmPaths: There were no entries found/);
  });
});
