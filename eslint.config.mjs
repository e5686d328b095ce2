import {existsSync, readFileSync, readdirSync} from 'node:fs';
import {builtinModules, createRequire} from 'node:module';
import {dirname, join, relative} from 'node:path';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const root = dirname(new URL(import.meta.url).pathname);
const ts = createRequire(import.meta.url)('typescript');

const deepImport = {
  group: ['@encoderless/*/*', '!@encoderless/*/node', '../../*/src/*'],
  message: "Import another package by its name only: one public entry per package (and '/node' for its Node-only part).",
};

/**
 * The source files a browser bundle of a published package's main entry contains: src/index.ts and every
 * file it reaches through relative value imports (type-only imports leave no code behind). Where
 * `<name>.browser.ts` exists, a browser bundle gets it instead of `<name>.ts` (package.json's
 * "browser" field), so that twin is followed. Paths relative to the repository root.
 */
function browserReachable() {
  const files = [];
  for (const name of readdirSync(join(root, 'packages'))) {
    const src = join(root, 'packages', name, 'src');
    const manifest = join(root, 'packages', name, 'package.json');
    if (!existsSync(join(src, 'index.ts')) || JSON.parse(readFileSync(manifest, 'utf8')).private) continue;
    const queue = [join(src, 'index.ts')];
    const seen = new Set();
    while (queue.length) {
      const file = queue.pop();
      if (seen.has(file)) continue;
      seen.add(file);
      files.push(relative(root, file));
      for (const spec of relativeValueImports(file)) {
        const target = join(dirname(file), spec);
        const twin = `${target}.browser.ts`;
        queue.push(existsSync(twin) ? twin : existsSync(`${target}.ts`) ? `${target}.ts` : join(target, 'index.ts'));
      }
    }
  }
  return files;
}

function relativeValueImports(file) {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const specs = [];
  const visit = (node) => {
    if ((ts.isImportDeclaration(node) && !node.importClause?.isTypeOnly) || (ts.isExportDeclaration(node) && !node.isTypeOnly)) {
      if (node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) specs.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && ts.isStringLiteral(node.arguments[0])) {
      specs.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return specs.filter((spec) => spec.startsWith('.'));
}

const browserMessage = 'This file is part of a browser-safe main entry (src/index.ts); Node-only code goes behind ' +
  "the package's '/node' entry (src/node.ts), or into a <name>.ts / <name>.browser.ts twin mapped in package.json's \"browser\" field.";

/**
 * No synchronous tensor reads where training, inference, transform, the bench or the experiments
 * run: the webgpu backend has none in Node (`dataSync` throws there), and in a page one stalls
 * the GPU. Read with `await t.data()` (or latent's `readTensors`, one read for several).
 */
const asyncReads = {
  files: ['packages/*/src/**/*.ts', 'apps/*/src/**/*.ts'],
  ignores: ['**/*.test.ts', 'packages/test-utils/**'],
  rules: {
    'no-restricted-syntax': ['error', {
      selector: "CallExpression[callee.property.name=/^(dataSync|arraySync|bufferSync)$/]",
      message: 'Read tensors asynchronously (await t.data(), or readTensors for several at once): webgpu has no synchronous read in Node, and one stalls the GPU in a page.',
    }],
  },
};

export default tseslint.config(
  {ignores: ['**/dist/**', '**/node_modules/**', '**/*.js', '**/*.mjs']},
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_'}],
      'no-restricted-imports': ['error', {patterns: [deepImport]}],
    },
  },
  asyncReads,
  {
    files: browserReachable(),
    rules: {
      'no-restricted-imports': ['error', {
        paths: builtinModules.map((name) => ({name, message: browserMessage})),
        patterns: [deepImport, {group: ['node:*', '@encoderless/*/node'], message: browserMessage}],
      }],
      'no-restricted-globals': ['error', ...['process', 'Buffer', 'require', '__dirname', '__filename', 'global', 'setImmediate']
        .map((name) => ({name, message: browserMessage}))],
    },
  },
);
