import {createHash} from 'node:crypto';
import {readdirSync, readFileSync, writeFileSync} from 'node:fs';
import {join, relative} from 'node:path';
import {defineConfig, type Plugin} from 'vite';

/**
 * The headers that make the page cross-origin isolated, so SharedArrayBuffer exists and the
 * wasm backend runs its multi-threaded build. Static hosting must send the same two on every
 * file (see README.md); without them the page runs the single-thread SIMD build.
 */
const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/** Every file under `dir`, relative, with '/' separators. */
function listFiles(dir: string, root = dir): string[] {
  return readdirSync(dir, {withFileTypes: true}).flatMap((e) =>
    e.isDirectory() ? listFiles(join(dir, e.name), root) : [relative(root, join(dir, e.name)).split('\\').join('/')]);
}

/**
 * After the build, writes the list of built files and a hash of their contents into sw.js
 * (the service worker caches exactly these for offline use; a changed file changes the hash,
 * hence sw.js, so browsers install the new worker).
 */
function precacheManifest(): Plugin {
  return {
    name: 'encoderless-precache-manifest',
    apply: 'build',
    writeBundle(options) {
      const dir = options.dir!;
      const files = listFiles(dir).filter((f) => f !== 'sw.js' && !f.endsWith('.map')).sort();
      const hash = createHash('sha256');
      for (const f of files) hash.update(f).update(readFileSync(join(dir, f)));
      const sw = join(dir, 'sw.js');
      const code = readFileSync(sw, 'utf8');
      const placeholder = /(["'`])__PRECACHE_MANIFEST__\1/;
      if (!placeholder.test(code)) throw new Error(`precacheManifest: ${sw} has no '__PRECACHE_MANIFEST__' to replace`);
      writeFileSync(sw, code.replace(placeholder, JSON.stringify({version: hash.digest('hex').slice(0, 16), files})));
    },
  };
}

/**
 * tfjs-backend-wasm starts its threads from the text of a function (`toString()`), which must
 * not refer to anything outside itself. Its emscripten glue declares `_scriptDir` just outside
 * that function and reads it inside behind `typeof _scriptDir !== 'undefined'`; a minifier that
 * sees the declaration drops the guard and renames the variable, and every worker then dies with
 * "e is not defined" (tfjs-backend-wasm's README, "JS Minification"). In an ES-module page
 * `_scriptDir` is always undefined (module scripts have no `document.currentScript`), so the
 * declaration goes: the read inside becomes one of a global, which no minifier folds.
 */
function keepWasmThreadsWorking(): Plugin {
  const declaration = /var _scriptDir = typeof document !== 'undefined' && document\.currentScript \? document\.currentScript\.src : undefined;\s*if \(typeof __filename !== 'undefined'\) _scriptDir = _scriptDir \|\| __filename;/;
  return {
    name: 'encoderless-keep-wasm-threads-working',
    transform(code, id) {
      if (!id.endsWith('tfjs-backend-wasm-threaded-simd.js')) return null;
      if (!declaration.test(code)) this.error(`${id}: the _scriptDir declaration this plugin removes is not there (a new tfjs-backend-wasm?); check its threads after minification`);
      return {code: code.replace(declaration, ''), map: null};
    },
  };
}

export default defineConfig({
  // Relative URLs: the built folder works from any path (a project page, a sub-folder).
  base: './',
  server: {headers: ISOLATION_HEADERS},
  preview: {headers: ISOLATION_HEADERS},
  build: {
    target: 'es2022',
    rolldownOptions: {
      input: {index: 'index.html', sw: 'src/service-worker.ts'},
      output: {
        entryFileNames: (chunk) => (chunk.name === 'sw' ? 'sw.js' : 'assets/[name]-[hash].js'),
        // The two backends' chunks named after their package (rather than both 'dist-…', after the
        // file they start from), so that a network log, the browser test's included, shows which
        // one a page fetched.
        chunkFileNames: (chunk) => {
          const backend = chunk.facadeModuleId?.match(/@tensorflow[\\/](tfjs-backend-(?:wasm|webgpu))[\\/]/)?.[1];
          return backend ? `assets/${backend}-[hash].js` : 'assets/[name]-[hash].js';
        },
      },
      // @encoderless/autodecoder imports its model loader lazily so that other pages load it only
      // when used; this page loads a model at start, so one chunk is right. (The wasm and webgpu
      // backends stay chunks of their own: the page fetches the one it chooses.)
      onwarn(warning, warn) {
        if (warning.code !== 'INEFFECTIVE_DYNAMIC_IMPORT') warn(warning);
      },
    },
  },
  plugins: [keepWasmThreadsWorking(), precacheManifest()],
});
