// Runs the first ```ts block of every published package's README, as its users would: the
// block is transpiled to an ES module inside the package folder (so `@encoderless/<name>`
// resolves to the built package through its own exports map, and other imports through the
// package's declared dependencies), then run with node. A README whose example no longer
// runs fails the test command.
import {execFileSync} from 'node:child_process';
import {existsSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {join} from 'node:path';

const require = createRequire(import.meta.url);
const ts = require('typescript');
const root = new URL('..', import.meta.url).pathname;
const only = process.argv.slice(2);
let failed = 0, ran = 0;

for (const name of readdirSync(join(root, 'packages'))) {
  const dir = join(root, 'packages', name);
  const pkgPath = join(dir, 'package.json');
  if (!existsSync(pkgPath) || JSON.parse(readFileSync(pkgPath, 'utf8')).private) continue;
  if (only.length && !only.includes(name)) continue;
  const readme = join(dir, 'README.md');
  const block = existsSync(readme) && /```ts\n([\s\S]*?)```/.exec(readFileSync(readme, 'utf8'));
  if (!block) {
    console.error(`FAIL ${name}: README.md has no \`\`\`ts example`);
    failed++;
    continue;
  }
  const js = ts.transpileModule(block[1], {
    compilerOptions: {module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022},
  }).outputText;
  const file = join(dir, '.readme-example.mjs');
  writeFileSync(file, js);
  const started = Date.now();
  try {
    execFileSync(process.execPath, [file], {cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000});
    console.log(`ok   ${name} README example (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    ran++;
  } catch (err) {
    console.error(`FAIL ${name} README example:\n${err.stdout ?? ''}${err.stderr ?? err.message}`);
    failed++;
  } finally {
    rmSync(file, {force: true});
  }
}
console.log(`readme examples: ${ran} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
