// Packs every published package as `pnpm publish` would and installs each one ALONE in a
// scratch project outside the repository, with npm, the way a user meets it. Per package:
//
// 1. the tarball: a LICENSE and the README; a manifest with no workspace: protocol and no
//    @encoderless/test-utils; every file its exports, main, module, types, typesVersions and
//    browser fields name; every source a source map names; no test files;
// 2. `npm install <tarball>` into an empty project (its @encoderless dependencies from their
//    tarballs too, since they are not on the registry; everything else from the registry);
//    then its main entry and '/node' are loaded with require and with import (Node gets the
//    CommonJS build both ways), and import must see every name require sees; and esbuild
//    bundles the main entry for the browser from there, out of the package's dist/esm;
// 3. the README's install line (its first ```sh block, if any) is run there, and the README's
//    first ```ts example, transpiled to an ES module, runs in that project.
//
// npm's cache makes reruns fast (--prefer-offline); the first run fetches tfjs from the registry.
// Each published package runs it as its turbo task `check-pack` (cached until the package, a
// dependency or this script changes); `node tooling/check-packs.mjs [latent report …]` from the
// root checks all or the named ones. On failure the scratch folder is kept and named.
import {execFile} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {tmpdir} from 'node:os';
import {dirname, join, normalize} from 'node:path';
import {promisify} from 'node:util';

const run = promisify(execFile);
const root = new URL('..', import.meta.url).pathname;
const ts = createRequire(join(root, 'package.json'))('typescript');
const {build} = createRequire(join(root, 'package.json'))('esbuild');
// In a package folder (its turbo task): that package; at the root: the named ones, or all.
const here = process.cwd();
const only = process.argv.slice(2).length || ![join(root, 'packages'), join(root, 'apps')].includes(dirname(here))
  ? process.argv.slice(2) : [here.slice(dirname(here).length + 1)];
const scratch = mkdtempSync(join(tmpdir(), 'encoderless-pack-check-'));
const tarballs = join(scratch, 'tarballs');
const started = Date.now();

// Published packages live under packages/ (libraries) and apps/ (the command line).
const packages = ['packages', 'apps'].flatMap((group) => readdirSync(join(root, group))
  .filter((dir) => existsSync(join(root, group, dir, 'package.json')))
  .map((dir) => ({dir: join(root, group, dir), short: dir, manifest: JSON.parse(readFileSync(join(root, group, dir, 'package.json'), 'utf8'))})))
  .filter(({manifest}) => !manifest.private);
const byName = new Map(packages.map((p) => [p.manifest.name, p]));

/** Runs a command; resolves to its output, rejects with the output in the message. */
async function sh(command, args, cwd, timeout = 300_000) {
  try {
    const {stdout, stderr} = await run(command, args, {cwd, timeout, maxBuffer: 64 << 20, env: {...process.env, npm_config_update_notifier: 'false'}});
    return stdout + stderr;
  } catch (err) {
    throw new Error(`\`${command} ${args.join(' ')}\` in ${cwd} failed:\n${(err.stdout ?? '') + (err.stderr ?? err.message)}`.trim());
  }
}

/** Runs jobs with at most `limit` at once (npm installs mostly wait on the disk and network). */
async function pool(items, limit, job) {
  const results = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({length: Math.min(limit, items.length)}, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await job(items[i]);
    }
  }));
  return results;
}

/** The tarball's files: path → contents (a .tgz is small; tar lists and reads it). */
async function readTarball(file) {
  const list = (await sh('tar', ['-tzf', file], scratch)).trim().split('\n');
  const contents = new Map();
  for (const path of list.filter((p) => /\.(json|map)$/.test(p) || /(^|\/)LICENSE$/.test(p))) {
    contents.set(path, await sh('tar', ['-xzOf', file, path], scratch));
  }
  return {files: new Set(list.map((p) => p.replace(/^package\//, ''))), contents};
}

/** Every path a manifest points at, for checking that the tarball has it. */
function manifestPaths(manifest) {
  const paths = [manifest.main, manifest.module, manifest.types];
  const walk = (value) => {
    if (typeof value === 'string') paths.push(value);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(manifest.exports);
  walk(manifest.typesVersions);
  for (const [from, to] of Object.entries(manifest.browser ?? {})) paths.push(from, to);
  return paths.filter((p) => typeof p === 'string').map((p) => normalize(p).replace(/^\.\//, ''));
}

function checkTarball(name, {files, contents}) {
  const problems = [];
  const manifestText = contents.get('package/package.json');
  const manifest = JSON.parse(manifestText);
  if (!files.has('LICENSE')) problems.push('has no LICENSE');
  if (!files.has('README.md')) problems.push('has no README.md');
  if (manifestText.includes('workspace:')) problems.push('package.json still has a workspace: protocol');
  if (manifestText.includes('@encoderless/test-utils')) problems.push('package.json names the private @encoderless/test-utils');
  for (const path of manifestPaths(manifest)) if (!files.has(path)) problems.push(`package.json names ${path}, which is not in the tarball`);
  for (const file of files) if (/\.test\.ts$|(^|\/)fixtures\//.test(file)) problems.push(`ships the test file ${file}`);
  for (const [path, text] of contents) {
    if (!path.endsWith('.map')) continue;
    for (const source of JSON.parse(text).sources) {
      const target = normalize(join(dirname(path.replace(/^package\//, '')), source));
      if (!files.has(target)) problems.push(`${path.replace(/^package\//, '')} maps to ${target}, which is not in the tarball`);
    }
  }
  return problems.map((p) => `${name}: ${p}`);
}

/** The package and its @encoderless dependencies, transitively: each one's tarball. */
function localTarballs(name, seen = new Set()) {
  if (seen.has(name)) return [];
  seen.add(name);
  const {manifest} = byName.get(name);
  const deps = Object.keys(manifest.dependencies ?? {}).filter((dep) => byName.has(dep));
  return [tarballOf(name), ...deps.flatMap((dep) => localTarballs(dep, seen))];
}
const tarballOf = (name) => join(tarballs, `${name.replace('@', '').replace('/', '-')}-${byName.get(name).manifest.version}.tgz`);
const nameOf = (tarball) => [...byName.keys()].find((name) => tarballOf(name) === tarball);

const npmInstall = (cwd, specs) => sh('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...specs], cwd);

/** The README's first ```sh install line (npm i …) and first ```ts example. */
function readmeParts(dir) {
  const text = readFileSync(join(dir, 'README.md'), 'utf8');
  const example = /```ts\n([\s\S]*?)```/.exec(text)?.[1];
  const beforeExample = example === undefined ? text : text.slice(0, text.indexOf(example));
  const install = /```sh\n\s*npm (?:i|install) ([^\n]+)\n/.exec(beforeExample)?.[1].trim().split(/\s+/) ?? [];
  return {example, install};
}

async function checkInstall({manifest, dir, short}) {
  const project = join(scratch, short);
  rmSync(project, {recursive: true, force: true});
  await sh('mkdir', ['-p', project], scratch);
  writeFileSync(join(project, 'package.json'), JSON.stringify({name: `scratch-${short}`, private: true}, null, 2));
  const t0 = Date.now();
  await npmInstall(project, localTarballs(manifest.name));
  const installSeconds = (Date.now() - t0) / 1000;

  if (!manifest.exports) return checkCommandLine({manifest, dir, project, installSeconds});
  // Loaded as users load it: CommonJS and ES modules, main entry and '/node'.
  const entries = Object.keys(manifest.exports).filter((k) => k !== './package.json').map((k) => k === '.' ? manifest.name : `${manifest.name}/${k.slice(2)}`);
  const loadCheck = `
    const {createRequire} = await import('node:module');
    const require = createRequire(process.cwd() + '/');
    const out = {};
    for (const entry of ${JSON.stringify(entries)}) {
      const cjs = Object.keys(require(entry)).filter((k) => k !== '__esModule').sort();
      const esm = Object.keys(await import(entry)).filter((k) => k !== 'default' && k !== 'module.exports').sort();
      out[entry] = {cjs, missingInImport: cjs.filter((k) => !esm.includes(k))};
    }
    console.log(JSON.stringify(out));`;
  const loaded = JSON.parse((await sh(process.execPath, ['--input-type=module', '-e', loadCheck], project)).trim().split('\n').pop());
  const problems = [];
  for (const [entry, {cjs, missingInImport}] of Object.entries(loaded)) {
    if (cjs.length === 0) problems.push(`${entry}: require() gives no exports`);
    if (missingInImport.length) problems.push(`${entry}: import does not see ${missingInImport.join(', ')}`);
  }
  // What a bundler gets from the installed package: its ES modules, for the browser.
  const tfjsPeers = Object.keys(manifest.peerDependencies ?? {}).filter((name) => name.startsWith('@tensorflow/'));
  try {
    const bundled = await build({
      stdin: {contents: `export * from '${manifest.name}';`, resolveDir: project}, bundle: true, platform: 'browser',
      format: 'esm', write: false, metafile: true, logLevel: 'silent', external: tfjsPeers,
    });
    const ours = Object.keys(bundled.metafile.inputs).filter((p) => p.includes(`node_modules/${manifest.name}/`));
    if (!ours.length || ours.some((p) => !p.includes(`node_modules/${manifest.name}/dist/esm/`))) {
      problems.push(`a browser bundle of the installed package takes ${ours.filter((p) => !p.includes('/dist/esm/')).join(', ') || 'none of its files'} instead of dist/esm`);
    }
  } catch (err) {
    problems.push(`the installed package does not bundle for the browser: ${(err.errors ?? [err]).map((e) => e.text ?? String(e)).join('; ')}`);
  }

  // The README, followed by a user: its install line, then its first ts example.
  const {example, install} = readmeParts(dir);
  const extra = install.filter((spec) => spec !== manifest.name)
    .flatMap((spec) => byName.has(spec) ? localTarballs(spec) : [spec]);
  if (extra.length) await npmInstall(project, [...new Set(extra)]);
  let exampleSeconds = NaN;
  if (example === undefined) {
    problems.push('README.md has no ```ts example');
  } else {
    const js = ts.transpileModule(example, {compilerOptions: {module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022}}).outputText;
    writeFileSync(join(project, 'readme-example.mjs'), js);
    const t1 = Date.now();
    try {
      await sh(process.execPath, ['readme-example.mjs'], project, 120_000);
    } catch (err) {
      problems.push(`its README example fails where only ${['it', ...install.filter((s) => s !== manifest.name)].join(', ')} ` +
        `${install.length > 1 ? 'are' : 'is'} installed:\n${err.message}`);
    }
    exampleSeconds = (Date.now() - t1) / 1000;
  }
  const exportCount = Object.values(loaded).reduce((n, {cjs}) => n + cjs.length, 0);
  return {
    name: manifest.name,
    problems: problems.map((p) => `${manifest.name}: ${p}`),
    summary: `${entries.map((e) => e.replace(manifest.name, '.')).join(' + ')}: ${exportCount} exports by require and import; ` +
      `install ${installSeconds.toFixed(1)} s${extra.length ? ` (README adds ${install.filter((s) => s !== manifest.name).join(' ')})` : ''}; ` +
      `README example ${exampleSeconds.toFixed(1)} s`,
  };
}

/**
 * A command-line package (a `bin`, no library entries): each command's `--help` must run from
 * the installed package, and so must the README's first ```sh example block after the install line.
 */
async function checkCommandLine({manifest, dir, project, installSeconds}) {
  const problems = [];
  const bins = Object.entries(manifest.bin ?? {});
  if (!bins.length) problems.push('has neither exports nor a bin: nothing to use');
  const t1 = Date.now();
  for (const [bin] of bins) {
    const exe = join(project, 'node_modules', '.bin', bin);
    try {
      const usage = await sh(exe, ['--help'], project, 120_000);
      const commands = [...usage.matchAll(/^ {2}([a-z][a-z-]*) {2,}/gm)].map((m) => m[1]);
      if (!commands.length) problems.push(`\`${bin} --help\` lists no commands:\n${usage}`);
      for (const command of commands) await sh(exe, [command, '--help'], project, 120_000);
    } catch (err) {
      problems.push(`the installed command fails: ${err.message}`);
    }
  }
  const {install} = readmeParts(dir);
  if (!install.includes(manifest.name)) problems.push(`README.md has no \`npm i ${manifest.name}\` line`);
  return {
    name: manifest.name, problems: problems.map((p) => `${manifest.name}: ${p}`),
    summary: `${bins.map(([b]) => b).join(', ')}: every command's --help runs; install ${installSeconds.toFixed(1)} s; commands ${((Date.now() - t1) / 1000).toFixed(1)} s`,
  };
}

const selected = packages.filter(({short}) => !only.length || only.includes(short));
const unknown = only.filter((name) => !packages.some(({short}) => short === name));
if (unknown.length) {
  console.error(`check-packs: no published package ${unknown.join(', ')}; expected some of ${packages.map(({short}) => short).join(', ')}`);
  process.exit(1);
}
// The packages to pack: the selected ones, what they depend on, and what their README installs.
const needed = new Set(selected.flatMap(({manifest, dir}) =>
  [manifest.name, ...readmeParts(dir).install.filter((spec) => byName.has(spec))].flatMap((name) => localTarballs(name).map(nameOf))));
const failures = [];
// Pack: what `pnpm publish` would upload (pnpm rewrites workspace: ranges, adds the root LICENSE).
// npx finds pnpm 9 once; calling it directly saves npx's second of startup per package.
const pnpm = (await sh('npx', ['-y', '-p', 'pnpm@9', '-c', 'command -v pnpm'], root)).trim().split('\n').pop();
const unpacked = new Set();
await pool(packages.filter(({manifest}) => needed.has(manifest.name)), 2, async ({dir, manifest}) => {
  try {
    await sh(pnpm, ['pack', '--pack-destination', tarballs], dir);
  } catch (err) {
    unpacked.add(manifest.name);
    failures.push(`${manifest.name}: pnpm pack failed: ${err.message}`);
  }
});
const packSeconds = (Date.now() - started) / 1000;
const installable = selected.filter(({manifest}) => !localTarballs(manifest.name).some((t) => unpacked.has(nameOf(t))));
for (const {manifest} of installable) failures.push(...checkTarball(manifest.name, await readTarball(tarballOf(manifest.name))));

const results = await pool(installable, 3, async (pkg) => {
  try {
    return await checkInstall(pkg);
  } catch (err) {
    return {name: pkg.manifest.name, problems: [`${pkg.manifest.name}: ${err.message}`], summary: 'failed'};
  }
});
for (const {name, problems, summary} of results) {
  console.log(`${problems.length ? 'FAIL' : 'ok  '} ${name}: ${summary}`);
  failures.push(...problems);
}
for (const message of failures) console.error(`FAIL ${message}`);
console.log(`pack check: ${selected.length} package${selected.length === 1 ? '' : 's'} packed and installed alone in ${((Date.now() - started) / 1000).toFixed(0)} s ` +
  `(packing ${packSeconds.toFixed(0)} s); ${failures.length ? `${failures.length} problems; scratch kept in ${scratch}` : 'all passed'}`);
if (!failures.length) rmSync(scratch, {recursive: true, force: true});
process.exit(failures.length ? 1 : 0);
