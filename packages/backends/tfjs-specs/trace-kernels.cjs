// Used by `run-tfjs-specs.mjs --select` only: counts, per tfjs-core spec file, the calls to some
// kernels of one backend, to choose the files a setup runs: on wasm the kernels that
// registerWasmKernels added or replaced, on cpu the kernels the model zoo calls (zoo-kernels.json).
const {writeFileSync} = require('node:fs');

/** Kernel configs of a backend by name (the registry is global: read it, keep nothing). */
function kernelsOf(tf, backend) {
  return new Map(tf.getKernelsForBackend(backend).map((k) => [k.kernelName, k.kernelFunc]));
}

/**
 * Call `register`, then wrap with a counter every kernel of `backend` that `names` lists (or,
 * with no names, every kernel that `register` added or replaced), and every spec defined after a
 * `specFile(name)` call so that its calls count for that file; the counts are written to
 * `outPath` after the last spec.
 */
function traceKernels(tf, {backend, register, names}, outPath) {
  const before = kernelsOf(tf, backend);
  register();
  const counts = {};
  let running = '(none)', defining = '(none)';
  const traced = names === undefined ? null : new Set(names);
  for (const [name, kernelFunc] of kernelsOf(tf, backend)) {
    if (traced ? !traced.has(name) : before.get(name) === kernelFunc) continue;
    const config = tf.getKernel(name, backend);
    tf.unregisterKernel(name, backend);
    tf.registerKernel({...config, kernelFunc: (args) => {
      const file = (counts[running] ??= {});
      file[name] = (file[name] ?? 0) + 1;
      return kernelFunc(args);
    }});
  }
  const it = global.it;
  global.it = function (name, fn, timeout) {
    const file = defining;
    const wrapped = fn && (fn.length > 0
      ? function (done) { running = file; return fn.call(this, done); }
      : function () { running = file; return fn.call(this); });
    return it.call(this, name, wrapped, timeout);
  };
  global.afterAll(() => writeFileSync(outPath, JSON.stringify(counts)));
  return (file) => { defining = file; };
}

module.exports = {traceKernels};
