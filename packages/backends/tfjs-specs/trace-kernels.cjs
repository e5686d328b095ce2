// Used by `run-tfjs-specs.mjs --select` only: counts, per tfjs-core spec file, the calls to each
// wasm kernel that registerWasmKernels added or replaced, to choose the files the suite runs.
const {writeFileSync} = require('node:fs');

/** Kernel configs of the wasm backend by name (the registry is global: read it, keep nothing). */
function wasmKernels(tf) {
  return new Map(tf.getKernelsForBackend('wasm').map((k) => [k.kernelName, k.kernelFunc]));
}

/**
 * Wrap every wasm kernel that `register` adds or replaces with a counter, and every spec
 * defined after a `specFile(name)` call so that its calls count for that file; the counts are
 * written to `outPath` after the last spec.
 */
function traceKernels(tf, register, outPath) {
  const before = wasmKernels(tf);
  register();
  const counts = {};
  let running = '(none)', defining = '(none)';
  for (const [name, kernelFunc] of wasmKernels(tf)) {
    if (before.get(name) === kernelFunc) continue;
    const config = tf.getKernel(name, 'wasm');
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel({...config, kernelFunc: (args) => {
      const file = (counts[running] ??= {});
      file[name] = (file[name] ?? 0) + 1;
      return kernelFunc(args);
    }});
  }
  const it = global.it;
  global.it = function (name, fn, timeout) {
    const file = defining;
    const traced = fn && (fn.length > 0
      ? function (done) { running = file; return fn.call(this, done); }
      : function () { running = file; return fn.call(this); });
    return it.call(this, name, traced, timeout);
  };
  global.afterAll(() => writeFileSync(outPath, JSON.stringify(counts)));
  return (file) => { defining = file; };
}

module.exports = {traceKernels};
