import * as tf from '@tensorflow/tfjs-core';
import {installedBackends, isBackendInstalled, parseBackendChoice, useBackend} from './use-backend';

// useBackend as a browser bundle runs it: with backend-packages.browser.ts in place of
// backend-packages.ts (package.json's "browser" field). Its gradient path (a dynamic import of
// tfjs-core's ES-module gradient file) cannot run under jest's CommonJS; the test command's
// browser-bundle check runs it (tooling/check-browser-bundles.mjs). Here the gradients are
// registered beforehand, through tfjs-layers as in Node, so registerGradients has nothing to do.
jest.mock('./backend-packages', () => jest.requireActual('./backend-packages.browser'));

describe('useBackend in a browser bundle', () => {
  beforeAll(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('@tensorflow/tfjs-layers');
  });

  it('reads no environment variable (a page has none)', () => {
    const saved = process.env.ENCODERLESS_BACKEND;
    process.env.ENCODERLESS_BACKEND = 'cpu';
    try {
      expect(parseBackendChoice(undefined)).toBe('wasm');
    } finally {
      if (saved === undefined) delete process.env.ENCODERLESS_BACKEND;
      else process.env.ENCODERLESS_BACKEND = saved;
    }
  });

  it('counts only the bundled wasm and webgpu backends as installed', () => {
    expect(installedBackends()).toEqual(['webgpu', 'wasm']);
    expect(['wasm', 'webgpu', 'cpu', 'node', 'node-gpu'].map((name) => isBackendInstalled(name as 'wasm')))
      .toEqual([true, true, false, false, false]);
  });

  it('webgpu where the page has no navigator.gpu: one line naming the browsers that have it', async () => {
    await expect(useBackend('webgpu')).rejects.toThrow(
      /^useBackend: backend 'webgpu' needs a browser with WebGPU \(navigator\.gpu\): Chrome and Edge 113\+, Safari 26, Firefox 141\+; choose wasm here$/);
  });

  it('refuses node and node-gpu, saying they run only in Node.js', async () => {
    await expect(useBackend('node')).rejects.toThrow(/^useBackend: backend 'node' \(@tensorflow\/tfjs-node\) runs only in Node\.js; in a browser, choose wasm, webgpu or cpu$/);
    await expect(useBackend('node-gpu')).rejects.toThrow(/^useBackend: backend 'node-gpu' .* runs only in Node\.js/);
  });

  it('asks for the cpu module until the page has it, then switches to cpu', async () => {
    await expect(useBackend('cpu')).rejects.toThrow(
      /^useBackend: backend 'cpu' is not in this browser bundle \(only wasm and webgpu are, by default\); import it and pass it: useBackend\('cpu', \{module: await import\('@tensorflow\/tfjs-backend-cpu'\)\}\)$/);
    const cpu = await import('@tensorflow/tfjs-backend-cpu');
    expect((await useBackend('cpu', {module: cpu})).name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    // Imported by the page, the package has registered its backend: no module needed any more.
    expect((await useBackend('cpu')).name).toBe('cpu');
  });
});
