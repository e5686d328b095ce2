// Builds the package in the current folder from its tsconfig.build.json, into a clean dist/
// (`--cjs-only`: dist/ alone, for the command line, which no bundler loads):
//   dist/      CommonJS, .d.ts and maps: what Node loads (`require`, and `import` through the
//              "node" export condition) and what TypeScript reads;
//   dist/esm/  ES modules and maps: what bundlers load (the "import" condition).
// One TypeScript program, emitted twice: the ES-module emit skips type checking (noCheck),
// since the first emit has just checked the same files. Both emits share the sources'
// isolatedModules-safe code, so they differ only in the module syntax.
import {rmSync} from 'node:fs';
import {createRequire} from 'node:module';

const require = createRequire(import.meta.url);
const ts = require('typescript');

const host = {...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => fail([d])};
const config = ts.getParsedCommandLineOfConfigFile('tsconfig.build.json', {}, host);
if (config.errors.length) fail(config.errors);
rmSync(config.options.outDir, {recursive: true, force: true});

const cjs = ts.createProgram({rootNames: config.fileNames, options: config.options});
const checked = ts.getPreEmitDiagnostics(cjs);
if (checked.length) fail(checked);
emit(cjs);

if (process.argv.includes('--cjs-only')) process.exit(0);

const esm = ts.createProgram({
  rootNames: config.fileNames,
  options: {
    ...config.options,
    module: ts.ModuleKind.ES2022,
    outDir: `${config.options.outDir}/esm`,
    declaration: false,
    declarationMap: false,
    noCheck: true,
  },
  oldProgram: cjs,
});
emit(esm);

function emit(program) {
  const {diagnostics, emitSkipped} = program.emit();
  if (diagnostics.length || emitSkipped) fail(diagnostics);
}

function fail(diagnostics) {
  console.error(ts.formatDiagnosticsWithColorAndContext(diagnostics, {
    getCanonicalFileName: (f) => f, getCurrentDirectory: ts.sys.getCurrentDirectory, getNewLine: () => '\n',
  }));
  process.exit(1);
}
