// Runs every ```ts block of every published package's README, as its users would:
//
// 1. Type-checks all of them in one TypeScript program, strict, as ES modules (.mts) placed in
//    their package's folder, so `@encoderless/<name>` resolves to the BUILT package through its
//    exports map and its .d.ts files, and other imports through the package's dependencies.
// 2. Runs each with node, in a fresh temporary working folder (files an example writes land
//    there), and compares what it prints with what the README says it prints:
//      console.log(x.rows, x.cols); // 1000 1000           one line, after the statement
//      console.log(table);                                 several lines, in the comment lines
//      // prints:                                          right after the statement
//      //      N  decoder load
//    Values are rendered as console.log renders them on one line, with the padding inside
//    brackets dropped (`[1, 2]`, `{name: 'wasm'}`, `Float32Array [1, 2]`); `…` in the README
//    stands for any text. A console.log without such a comment is run, not checked.
// 3. Blocks that cannot run offline say so in an HTML comment on the line before the fence:
//      <!-- readme-example: skip (downloads 170 MB) -->
//      <!-- readme-example: needs cifar10-jpg.tar.gz (a 160 MB archive only dev machines have) -->
//      <!-- readme-example: slow needs cifar10-jpg.tar.gz (…) -->
//    `skip` blocks are type-checked, never run; `needs FILE` blocks run when FILE is in
//    $ENCODERLESS_EXAMPLE_DATA (default: the shared data folder beside the repository), linked
//    into the working folder, and are skipped otherwise; `slow` ones only with
//    ENCODERLESS_SLOW_TESTS=1 (`pnpm test:slow`). Every skip is printed with its reason.
//
// `node tooling/run-readme-examples.mjs [package …]` checks only the named packages;
// README_EXAMPLES_VERBOSE=1 shows what each example printed; README_EXAMPLES_PACKAGES=DIR reads the
// packages from DIR instead of packages/ (the runner's own test, tooling/test-readme-runner.mjs).
import {execFileSync} from 'node:child_process';
import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {pathToFileURL} from 'node:url';

const require = createRequire(import.meta.url);
const ts = require('typescript');
const root = new URL('..', import.meta.url).pathname;
const only = process.argv.slice(2);
const dataDir = process.env.ENCODERLESS_EXAMPLE_DATA ?? join(root, '..', 'shared', 'data');
const printedModule = pathToFileURL(join(root, 'tooling', 'readme-example-printed.mjs')).href;

/** Every ```ts block of a README, with its line and its marker. */
function readBlocks(name, dir) {
  const lines = readFileSync(join(dir, 'README.md'), 'utf8').split('\n');
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() !== '```ts') continue;
    const end = lines.findIndex((l, j) => j > i && l.trim() === '```');
    if (end < 0) throw new Error(`${name}/README.md:${i + 1}: a \`\`\`ts block that never closes`);
    let prev = i - 1;
    while (prev >= 0 && lines[prev].trim() === '') prev--;
    const marker = /^<!--\s*readme-example:\s*(.*?)\s*-->$/.exec(lines[prev]?.trim() ?? '')?.[1];
    const block = {name, dir, line: i + 2, code: lines.slice(i + 1, end).join('\n'), index: blocks.length + 1};
    if (marker !== undefined) {
      const m = /^(skip|(slow\s+)?needs\s+(\S+))\s*\((.+)\)$/.exec(marker);
      if (!m) {
        throw new Error(`${name}/README.md:${prev + 1}: unreadable marker '${marker}'; expected 'skip (reason)' or '[slow] needs FILE (reason)'`);
      }
      if (m[3]) block.needs = {file: m[3], slow: Boolean(m[2]), reason: m[4]};
      else block.skip = m[4];
    }
    blocks.push(block);
    i = end;
  }
  return blocks;
}

/** The statement-level console.log calls of a block and the output its comments state. */
function findExpectations(block) {
  const source = ts.createSourceFile('block.mts', block.code, ts.ScriptTarget.ES2022, true);
  const text = block.code;
  const found = [];
  const visit = (node) => {
    if (ts.isExpressionStatement(node) && ts.isCallExpression(node.expression) &&
        node.expression.expression.getText(source) === 'console.log') {
      const lineOf = (pos) => source.getLineAndCharacterOfPosition(pos).line;
      const trailing = (ts.getTrailingCommentRanges(text, node.end) ?? [])
        .find((c) => c.kind === ts.SyntaxKind.SingleLineCommentTrivia && lineOf(c.pos) === lineOf(node.end));
      let expected;
      if (trailing) {
        expected = [text.slice(trailing.pos + 2, trailing.end).trim()];
      } else {
        const after = text.slice(node.end).split('\n').slice(1);
        if (after[0]?.trim() === '// prints:') {
          expected = [];
          for (const l of after.slice(1)) {
            const m = /^\s*\/\/ ?(.*)$/.exec(l);
            if (!m) break;
            expected.push(m[1].trimEnd());
          }
        }
      }
      if (expected) {
        found.push({id: found.length, callee: node.expression.expression, line: block.line + lineOf(node.getStart(source)), expected});
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The block as JavaScript, each checked console.log routed through `printed(id)`. */
function instrument(block, expectations) {
  let code = block.code;
  for (const e of [...expectations].sort((a, b) => b.callee.pos - a.callee.pos)) {
    code = `${code.slice(0, e.callee.getStart())}__printed(${e.id})${code.slice(e.callee.end)}`;
  }
  const js = ts.transpileModule(code, {compilerOptions: {module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022}}).outputText;
  return `import {printed as __printed} from ${JSON.stringify(printedModule)};\n${js}`;
}

/** `…` stands for any text; the rest must match exactly (trailing spaces aside). */
function matches(expected, actual) {
  const pattern = expected.trimEnd().split('…').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*?');
  return new RegExp(`^${pattern}$`, 's').test(actual.trimEnd());
}

/** What a run printed against what the README states: the problems, one line each. */
function compareOutput(block, expectations, reportFile) {
  const problems = [];
  const printed = existsSync(reportFile)
    ? readFileSync(reportFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
  for (const e of expectations) {
    const runs = printed.filter((p) => p.id === e.id);
    if (runs.length === 0) problems.push(`README.md:${e.line}: states output, but the line never printed`);
    for (const run of runs) {
      const actual = run.text.split('\n');
      const same = actual.length === e.expected.length && e.expected.every((x, k) => matches(x, actual[k]));
      if (!same) {
        problems.push(`README.md:${e.line}: printed\n      ${actual.join('\n      ')}\n    the README says\n      ${e.expected.join('\n      ')}`);
      }
    }
  }
  return problems;
}

const packagesDir = process.env.README_EXAMPLES_PACKAGES ?? join(root, 'packages');
const packages = readdirSync(packagesDir).filter((name) => {
  const pkgPath = join(packagesDir, name, 'package.json');
  return existsSync(pkgPath) && !JSON.parse(readFileSync(pkgPath, 'utf8')).private && (!only.length || only.includes(name));
});
let failed = 0, passed = 0, skipped = 0;
const blocks = [];
for (const name of packages) {
  const dir = join(packagesDir, name);
  const found = existsSync(join(dir, 'README.md')) ? readBlocks(name, dir) : [];
  if (found.length === 0) {
    console.error(`FAIL ${name}: README.md has no \`\`\`ts example`);
    failed++;
  }
  blocks.push(...found);
}

// 1. Types: one program over every block, each file in its package's folder.
const files = blocks.map((b) => {
  b.file = join(b.dir, `.readme-example-${b.index}.mts`);
  writeFileSync(b.file, b.code);
  return b.file;
});
const started = Date.now();
try {
  const program = ts.createProgram(files, {
    strict: true, noEmit: true, skipLibCheck: true, esModuleInterop: true,
    target: ts.ScriptTarget.ES2022, lib: ['lib.es2022.d.ts'],
    module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: ['node'], typeRoots: [join(root, 'node_modules', '@types')],
  });
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const block = blocks.find((b) => b.file === d.file?.fileName);
    const where = block ? `${block.name}/README.md:${block.line + d.file.getLineAndCharacterOfPosition(d.start).line}` : d.file?.fileName ?? 'tsc';
    console.error(`FAIL ${where}: TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n  ')}`);
    if (block) block.typeError = true;
    else failed++;
  }
} finally {
  files.forEach((f) => rmSync(f, {force: true}));
}
console.log(`readme examples: ${blocks.length} blocks type-checked against the built packages (${((Date.now() - started) / 1000).toFixed(1)} s)`);

// 2. Runs.
for (const block of blocks) {
  const label = `${block.name} README.md:${block.line}`;
  if (block.typeError) {
    failed++;
    continue;
  }
  if (block.skip) {
    console.log(`skip ${label}: ${block.skip}`);
    skipped++;
    continue;
  }
  const source = block.needs ? join(dataDir, block.needs.file) : null;
  if (block.needs) {
    if (block.needs.slow && process.env.ENCODERLESS_SLOW_TESTS !== '1') {
      console.log(`skip ${label}: slow, runs with ENCODERLESS_SLOW_TESTS=1 (pnpm test:slow) where ${block.needs.file} is: ${block.needs.reason}`);
      skipped++;
      continue;
    }
    if (!existsSync(source)) {
      console.log(`skip ${label}: needs ${block.needs.file}, which is not in ${dataDir} (set ENCODERLESS_EXAMPLE_DATA): ${block.needs.reason}`);
      skipped++;
      continue;
    }
  }
  const cwd = mkdtempSync(join(tmpdir(), `readme-${block.name}-`));
  if (source) symlinkSync(source, join(cwd, block.needs.file));
  const expectations = findExpectations(block);
  const script = join(block.dir, `.readme-example-${block.index}.mjs`);
  const reportFile = join(cwd, '.printed.jsonl');
  writeFileSync(script, instrument(block, expectations));
  const t0 = Date.now();
  try {
    const stdout = execFileSync(process.execPath, [script], {
      cwd, stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000, env: {...process.env, README_EXAMPLE_REPORT: reportFile},
    });
    if (process.env.README_EXAMPLES_VERBOSE === '1') process.stdout.write(stdout);
    const problems = compareOutput(block, expectations, reportFile);
    if (problems.length) {
      console.error(`FAIL ${label}: what it printed is not what the README says:\n  ${problems.join('\n  ')}`);
      failed++;
    } else {
      console.log(`ok   ${label} (${((Date.now() - t0) / 1000).toFixed(1)} s, ${expectations.length} stated output(s) checked)`);
      passed++;
    }
  } catch (err) {
    console.error(`FAIL ${label}:\n${err.stdout ?? ''}${err.stderr ?? err.message}`);
    failed++;
  } finally {
    rmSync(script, {force: true});
    rmSync(cwd, {recursive: true, force: true});
  }
}
console.log(`readme examples: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed ? 1 : 0);
