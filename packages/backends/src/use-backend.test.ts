import * as tf from '@tensorflow/tfjs-core';
import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describeEachBackend} from '@encoderless/test-utils';
import {explainNoAdapter} from './backend-packages';
import {useBackend, parseBackendChoice, installedBackends, isBackendInstalled, backendNameOf, describeAdapter, describeBackend} from './index';

describe('parseBackendChoice', () => {
  it('takes the option first, then ENCODERLESS_BACKEND, then wasm', () => {
    expect(parseBackendChoice('cpu', {ENCODERLESS_BACKEND: 'node'})).toBe('cpu');
    expect(parseBackendChoice(undefined, {ENCODERLESS_BACKEND: 'Node-GPU'})).toBe('node-gpu');
    expect(parseBackendChoice(undefined, {})).toBe('wasm');
    expect(parseBackendChoice('auto', {})).toBe('auto');
  });
  it('throws when the name is unknown, naming it and the choices', () => {
    expect(() => parseBackendChoice('gpu', {})).toThrow(/unknown backend 'gpu'; expected one of auto, wasm, webgpu, cpu, node, node-gpu/);
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
  it('auto picks the fastest installed backend that starts (webgpu: see its own block)', async () => {
    const info = await useBackend('auto');
    expect(installedBackends()).toContain('wasm');
    expect(info.name).toBe(info.name === 'webgpu' ? installedBackends()[0] : installedBackends().filter((n) => n !== 'webgpu')[0]);
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

describeEachBackend({useBackend, isBackendInstalled}, ['webgpu'], () => {
  it('webgpu: names its adapter, starts the GPU once, and trains (gradients through a matMul)', async () => {
    const info = await useBackend('webgpu');
    expect(info).toMatchObject({name: 'webgpu', tfjsName: 'webgpu', packageName: '@tensorflow/tfjs-backend-webgpu'});
    const adapter = info.adapter!;
    expect(typeof adapter.vendor).toBe('string');
    expect(typeof adapter.description).toBe('string');
    expect(describeAdapter(adapter).length).toBeGreaterThan(0);
    const engine = tf.engine() as unknown as {registry: Record<string, unknown>};
    const backend = engine.registry.webgpu;
    await useBackend('cpu');
    expect((await useBackend('webgpu')).adapter).toEqual(adapter);
    expect(engine.registry.webgpu).toBe(backend); // the same device, not a second one
    const g = tf.grad((x: tf.Tensor) => tf.sum(tf.matMul(x, tf.ones([2, 3]))))(tf.tensor2d([[1, 2]]));
    expect(Array.from(await g.data())).toEqual([3, 3]);
  });

  it('auto takes a hardware adapter and passes over a software one to wasm', async () => {
    const {adapter} = await useBackend('webgpu');
    const auto = await useBackend('auto');
    expect(auto.name).toBe(adapter!.software ? 'wasm' : 'webgpu');
  });
});

describe('explainNoAdapter', () => {
  it('names the Vulkan loader when libvulkan.so.1 is in none of the folders, else the driver', () => {
    if (process.platform !== 'linux') return;
    const empty = mkdtempSync(join(tmpdir(), 'no-vulkan-'));
    expect(explainNoAdapter([empty])).toMatch(/^the Vulkan loader libvulkan\.so\.1 is not installed/);
    const loader = mkdtempSync(join(tmpdir(), 'vulkan-'));
    writeFileSync(join(loader, 'libvulkan.so.1'), '');
    expect(explainNoAdapter([empty, loader])).toMatch(/^Vulkan has no driver for a GPU here/);
  });
});

describe('describeBackend', () => {
  it('names wasm with its SIMD build, webgpu with its adapter, the others by name', () => {
    const base = {tfjsName: 'x', packageName: 'y'};
    expect(describeBackend({...base, name: 'wasm', simd: true})).toBe('wasm (SIMD)');
    expect(describeBackend({...base, name: 'wasm', simd: false})).toBe('wasm (no SIMD)');
    expect(describeBackend({...base, name: 'cpu'})).toBe('cpu');
    const adapter = {vendor: 'nvidia', architecture: 'hopper', device: '', description: 'NVIDIA: 550.54.15', software: false};
    expect(describeBackend({...base, name: 'webgpu', adapter})).toBe('webgpu on nvidia hopper (NVIDIA: 550.54.15)');
    expect(describeAdapter({...adapter, vendor: '', architecture: '', description: ''})).toBe('unknown GPU');
  });
});
