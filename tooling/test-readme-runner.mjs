// The README runner's own test (part of `pnpm test`): it runs tooling/run-readme-examples.mjs over
// fixture packages in a temporary folder and checks that it fails where a README is wrong. Each
// case is a bug the runner once had or could have: only the first ```ts block run, output never
// compared, `…` not honoured, a type error not caught, a README without an example passed.
import {execFileSync} from 'node:child_process';
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

const runner = new URL('./run-readme-examples.mjs', import.meta.url).pathname;
const fence = '```';
const block = (code, marker = '') => `${marker ? `<!-- readme-example: ${marker} -->\n` : ''}${fence}ts\n${code}\n${fence}\n`;

/** Runs the runner over one fixture package whose README is `readme`: exit code and output. */
function run(readme) {
  const dir = mkdtempSync(join(tmpdir(), 'readme-runner-'));
  try {
    mkdirSync(join(dir, 'fixture'));
    writeFileSync(join(dir, 'fixture', 'package.json'), JSON.stringify({name: '@encoderless/fixture', version: '0.0.0'}));
    writeFileSync(join(dir, 'fixture', 'README.md'), `# fixture\n\n${readme}`);
    try {
      const out = execFileSync(process.execPath, [runner], {env: {...process.env, README_EXAMPLES_PACKAGES: dir}, encoding: 'utf8', stdio: 'pipe'});
      return {code: 0, out};
    } catch (err) {
      return {code: err.status, out: `${err.stdout}${err.stderr}`};
    }
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
}

const cases = [
  ['two right blocks pass, both run', block('console.log(1 + 1); // 2') + block('console.log([1, 2]); // [1, 2]'), 0, /2 passed, 0 failed, 0 skipped/],
  ['a wrong stated output in the SECOND block fails, naming its line', block('console.log(1 + 1); // 2') + block('console.log(2 + 2); // 5'),
    1, /FAIL fixture README\.md:7: what it printed is not what the README says:\n\s+README\.md:7: printed\n\s+4\n\s+the README says\n\s+5/],
  ['a "// prints:" block is compared line by line', block("console.log('a\\nb');\n// prints:\n// a\n// c"), 1, /the README says\n\s+a\n\s+c/],
  ['"…" stands for any text', block("console.log('took 12.5 s'); // took … s"), 0, /1 passed/],
  ['a type error fails without running', block("const n: number = 'x';\nconsole.log(n);"), 1, /FAIL fixture\/README\.md:4: TS2322/],
  ['a block that throws fails', block("throw new Error('boom');"), 1, /FAIL fixture README\.md:4:[\s\S]*boom/],
  ['a skip marker is type-checked, not run, and said out loud', block("throw new Error('never run');", 'skip (needs the network)'), 0,
    /skip fixture README\.md:5: needs the network[\s\S]*0 passed, 0 failed, 1 skipped/],
  ['a README with no ts block fails', 'No example here.\n', 1, /FAIL fixture: README\.md has no ```ts example/],
];

let failures = 0;
for (const [name, readme, code, pattern] of cases) {
  const r = run(readme);
  const ok = r.code === code && pattern.test(r.out);
  if (!ok) failures++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} readme runner: ${name}${ok ? '' : `\n  exit ${r.code} (expected ${code}); output:\n  ${r.out.split('\n').join('\n  ')}`}`);
}
console.log(`readme runner self-test: ${cases.length - failures} of ${cases.length} cases as expected`);
process.exit(failures ? 1 : 0);
