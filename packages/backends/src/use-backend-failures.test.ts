import {spawnSync} from 'node:child_process';
import {mkdirSync, mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

/**
 * This process's environment with Vulkan told to load no driver: both variables that name the
 * driver files (VK_DRIVER_FILES wins over VK_ICD_FILENAMES where both are set) point at none,
 * and none is added.
 */
function withoutVulkanDrivers(): Record<string, string> {
  const env = {...process.env} as Record<string, string>;
  delete env.VK_ADD_DRIVER_FILES;
  return {...env, VK_DRIVER_FILES: '/nonexistent/icd.json', VK_ICD_FILENAMES: '/nonexistent/icd.json'};
}

// The failure paths of a real install, in a child Node process running the built package as a
// user's script would: stand-in @tensorflow/tfjs-node and -node-gpu packages are put on
// NODE_PATH, so require finds them "installed". tfjs-node throws when loaded (a missing native
// library); tfjs-node-gpu loads and registers a backend whose factory throws, so tfjs's
// setBackend resolves to false. ENCODERLESS_BACKEND comes from the child's environment. Each
// failure also says where tfjs runs afterwards: where it ran before.
describe('useBackend failures, end to end in a child process', () => {
  const fakes = join(mkdtempSync(join(tmpdir(), 'fake-backends-')), 'node_modules');
  const fake = (name: string, index: string) => {
    const dir = join(fakes, '@tensorflow', name);
    mkdirSync(dir, {recursive: true});
    writeFileSync(join(dir, 'package.json'), JSON.stringify({name: `@tensorflow/${name}`, version: '4.22.0', main: 'index.js'}));
    writeFileSync(join(dir, 'index.js'), index);
  };
  fake('tfjs-node', "throw new Error('libtensorflow.so.2: cannot open shared object file: No such file or directory');\n");
  fake('tfjs-node-gpu', "require('@tensorflow/tfjs-core').registerBackend('tensorflow', () => { throw new Error('no CUDA device'); });\n");

  const script = `
    const tf = require('@tensorflow/tfjs-core');
    const {useBackend} = require(${JSON.stringify(join(__dirname, '..', 'dist', 'index.js'))});
    const attempt = (p) => p.then((info) => info.name + ' on ' + tf.getBackend(), (e) => e.name + ': ' + e.message + ' [tfjs on ' + tf.getBackend() + ']');
    (async () => {
      const out = {};
      out.fromEnv = await attempt(useBackend());
      out.node = await attempt(useBackend('node'));
      out.nodeGpu = await attempt(useBackend('node-gpu'));
      out.auto = await attempt(useBackend('auto'));
      console.log(JSON.stringify(out));
    })();`;
  const run = (env: Record<string, string>) => {
    const r = spawnSync(process.execPath, ['-e', script], {
      cwd: join(__dirname, '..'), encoding: 'utf8', timeout: 60_000,
      // No Vulkan driver: webgpu finds no adapter, so auto's choice does not depend on this machine's GPU.
      env: {...withoutVulkanDrivers(), NODE_PATH: [fakes, join(__dirname, '..', 'node_modules')].join(':'), ...env},
    });
    if (r.status !== 0) throw new Error(`child exited ${r.status}: ${r.stderr}`);
    return JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, string>;
  };
  const out = run({ENCODERLESS_BACKEND: 'cpu'});

  it('ENCODERLESS_BACKEND picks the backend when no name is given', () => {
    expect(out.fromEnv).toBe('cpu on cpu');
  });

  it('a backend package that is installed but fails to load: MissingBackendError with its error', () => {
    expect(out.node).toBe("MissingBackendError: useBackend: backend 'node' could not load @tensorflow/tfjs-node: " +
      'libtensorflow.so.2: cannot open shared object file: No such file or directory [tfjs on cpu]');
  });

  it('setBackend resolving to false: MissingBackendError, and tfjs stays where it was', () => {
    expect(out.nodeGpu).toBe("MissingBackendError: useBackend: backend 'node-gpu' (@tensorflow/tfjs-node-gpu) failed to initialise; try another backend [tfjs on cpu]");
  });

  it('auto passes over both broken backends to the next that works', () => {
    expect(out.auto).toBe('wasm on wasm');
  });

  it('an unknown ENCODERLESS_BACKEND is refused, naming the variable', () => {
    expect(run({ENCODERLESS_BACKEND: 'webgl'}).fromEnv)
      .toBe("UnknownBackendError: useBackend: unknown backend 'webgl' (from ENCODERLESS_BACKEND); expected one of auto, wasm, webgpu, cpu, node, node-gpu [tfjs on undefined]");
  });
});

// webgpu's failures in Node, each in its own child process: the webgpu package missing (a preload
// makes require fail to find it, as on a machine where it was never installed), and no adapter
// (VK_ICD_FILENAMES names no driver). Each is one line naming what is missing.
describe('useBackend webgpu failures, end to end in a child process', () => {
  const dir = mkdtempSync(join(tmpdir(), 'webgpu-missing-'));
  const hide = join(dir, 'hide-webgpu.cjs');
  writeFileSync(hide, `
    const Module = require('node:module');
    const resolve = Module._resolveFilename;
    Module._resolveFilename = function (request, ...rest) {
      if (request === 'webgpu' || request.startsWith('webgpu/')) {
        const err = new Error("Cannot find module '" + request + "'");
        err.code = 'MODULE_NOT_FOUND';
        throw err;
      }
      return resolve.call(this, request, ...rest);
    };`);
  const script = `
    const tf = require('@tensorflow/tfjs-core');
    const {useBackend, isBackendInstalled} = require(${JSON.stringify(join(__dirname, '..', 'dist', 'index.js'))});
    useBackend('webgpu').then((info) => console.log(JSON.stringify({ok: info.name, installed: isBackendInstalled('webgpu')})),
      (e) => console.log(JSON.stringify({error: e.name + ': ' + e.message, installed: isBackendInstalled('webgpu'), on: tf.getBackend() ?? null})));`;
  const run = (args: string[], env: Record<string, string>) => {
    const r = spawnSync(process.execPath, [...args, '-e', script], {
      cwd: join(__dirname, '..'), encoding: 'utf8', timeout: 60_000, env: {...process.env, ...env},
    });
    if (r.status !== 0) throw new Error(`child exited ${r.status}: ${r.stderr}`);
    return JSON.parse(r.stdout.trim().split('\n').pop()!) as {error?: string; installed: boolean; on: string | null};
  };

  it('without the webgpu package: not installed, and the error says what to install', () => {
    const out = run(['-r', hide], {});
    expect(out.installed).toBe(false);
    expect(out.error).toBe("MissingBackendError: useBackend: backend 'webgpu' needs the package webgpu (Dawn's WebGPU " +
      'for Node; its binaries ship in the npm package), which is not installed; run `npm i webgpu@^0.6.2`, or choose another backend');
  });

  it('without a Vulkan driver: no adapter, in one line naming the loader or the driver', () => {
    const out = run([], withoutVulkanDrivers());
    expect(out.installed).toBe(true);
    expect(out.error).toMatch(/^MissingBackendError: useBackend: backend 'webgpu' found no GPU adapter: (the Vulkan loader libvulkan\.so\.1 is not installed \(Debian\/Ubuntu: apt-get install libvulkan1\)|Vulkan has no driver for a GPU here: install your GPU's Vulkan driver)[^\n]*$/);
  });
});
