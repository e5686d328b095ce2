import {mkdirSync, mkdtempSync, readdirSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {writePoint} from './points';
import {
  canonicalJson, checkOutputPath, clearOwnFiles, decideFolder, inspectFolder, runHash, writeManifest, writeRunRecord, RUN_FORMAT,
  type FolderRequest, type RunRecord,
} from './run-folder';

const config = {epochs: 2, inference: {epochs: 50}};
const data = {sha256: 'd'.repeat(64), source: 'somewhere'};
const record: RunRecord = {
  format: RUN_FORMAT, experiment: 'simulated', preset: 'full', config, backend: 'wasm', data,
  hash: runHash({experiment: 'simulated', preset: 'full', config, backend: 'wasm', data}),
};
const request = (dir: string, o: Partial<FolderRequest> = {}): FolderRequest => ({
  dir, experiment: 'simulated', preset: 'full', resume: false, overwrite: false, shard: false, config, backend: 'wasm',
  dataSha256: data.sha256, flagOf: (p) => `--${p.replace('.', '-')}`, ...o,
});
const fresh = () => mkdtempSync(join(tmpdir(), 'run-folder-'));

describe('run folders', () => {
  it('the hash is of the settings, not of their order', () => {
    expect(canonicalJson({b: 1, a: [{d: 2, c: 3}]})).toBe('{"a":[{"c":3,"d":2}],"b":1}');
    expect(runHash({...record, config: {inference: {epochs: 50}, epochs: 2}})).toBe(record.hash);
    expect(runHash({...record, backend: 'cpu'})).not.toBe(record.hash);
  });

  it('an empty or missing folder is a fresh run', () => {
    const dir = fresh();
    expect(decideFolder(inspectFolder(dir), request(dir))).toBe('fresh');
    expect(decideFolder(inspectFolder(join(dir, 'new')), request(join(dir, 'new')))).toBe('fresh');
  });

  it('another process\'s write in flight (its temporary file) is not contents: the folder is still fresh (the two-shard race)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rf-'));
    writeFileSync(join(dir, '.config.json.3051.59b2fcd6017d.tmp'), '{"format"');
    expect(decideFolder(inspectFolder(dir), request(dir))).toBe('fresh');
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    expect(() => decideFolder(inspectFolder(dir), request(dir))).toThrow(/not empty \(notes\.txt\)/);
  });

  it('a folder holding a run: refused without --resume or --overwrite, naming both', async () => {
    const dir = fresh();
    await writeRunRecord(dir, record);
    expect(() => decideFolder(inspectFolder(dir), request(dir))).toThrow(/already holds a simulated run .*add --resume to continue it, or --overwrite/);
    expect(decideFolder(inspectFolder(dir), request(dir, {resume: true}))).toBe('resume');
    expect(decideFolder(inspectFolder(dir), request(dir, {overwrite: true}))).toBe('overwrite');
    expect(decideFolder(inspectFolder(dir), request(dir, {shard: true}))).toBe('join');
    expect(() => decideFolder(inspectFolder(dir), request(dir, {resume: true, overwrite: true}))).toThrow(/--resume and --overwrite disagree/);
  });

  it.each([
    ['a knob', {config: {...config, epochs: 3}}, /--epochs: 2 there, 3 now/],
    ['a nested knob', {config: {...config, inference: {epochs: 9}}}, /--inference-epochs: 50 there, 9 now/],
    ['the backend', {backend: 'cpu'}, /--backend: wasm there, cpu now/],
    ['the preset', {preset: 'quick'}, /--preset: full there, quick now/],
    ['the data', {dataSha256: 'e'.repeat(64)}, /the data: SHA-256 dddddddddddd… there \(somewhere\), eeeeeeeeeeee… now/],
    ['the experiment', {experiment: 'mnist'}, /command: simulated there, mnist now/],
  ])('--resume (and --shard) refuse a run with other settings: %s', async (_, change, message) => {
    const dir = fresh();
    await writeRunRecord(dir, record);
    expect(() => decideFolder(inspectFolder(dir), request(dir, {resume: true, ...change}))).toThrow(message);
    expect(() => decideFolder(inspectFolder(dir), request(dir, {shard: true, ...change}))).toThrow(message);
  });

  it('points without config.json, a foreign folder, or a run of the older format are refused, even with --overwrite', () => {
    const points = fresh();
    mkdirSync(join(points, 'points'));
    expect(() => decideFolder(inspectFolder(points), request(points, {overwrite: true}))).toThrow(/holds points\/ but no config.json/);
    const foreign = fresh();
    writeFileSync(join(foreign, 'thesis.tex'), 'mine');
    expect(() => decideFolder(inspectFolder(foreign), request(foreign, {overwrite: true}))).toThrow(/not empty \(thesis.tex\) and holds no encoderless run/);
    const old = fresh();
    writeFileSync(join(old, 'config.json'), JSON.stringify({command: 'simulated', settings: {}}));
    expect(() => decideFolder(inspectFolder(old), request(old, {resume: true}))).toThrow(/a run of an older encoderless/);
  });

  it('--overwrite deletes what encoderless wrote (manifest, config, own points) and nothing else', async () => {
    const dir = fresh();
    await writeRunRecord(dir, record);
    await writePoint(dir, {experiment: 'simulated', key: 'N6', run: record.hash, records: [{}]});
    writeFileSync(join(dir, 'results.json'), '{}');
    writeFileSync(join(dir, 'report.md'), '# old');
    await writeManifest(dir, ['results.json', 'report.md']);
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    writeFileSync(join(dir, 'points', 'my-point.json'), '{"mine": true}');
    const left = await clearOwnFiles(dir);
    expect(left.sort()).toEqual(['notes.txt', 'points/my-point.json']);
    expect(readdirSync(dir).sort()).toEqual(['notes.txt', 'points']);
  });

  it('an output path that cannot hold a run is refused before anything is created', async () => {
    const dir = fresh();
    writeFileSync(join(dir, 'file'), 'x');
    await expect(checkOutputPath(join(dir, 'file'))).rejects.toThrow(/--out .*file: is a file, not a folder \(EEXIST\)/);
    await expect(checkOutputPath(join(dir, 'file', 'run'))).rejects.toThrow(/file is a file, not a folder \(ENOTDIR\)/);
    if (process.platform === 'linux') {
      await expect(checkOutputPath('/proc/x')).rejects.toThrow(/--out \/proc\/x: \/proc is not storage/);
      await expect(checkOutputPath('/sys/kernel/x')).rejects.toThrow(/\/sys is not storage/);
    }
    expect(await checkOutputPath(join(dir, 'a', 'b'))).toBe(join(dir, 'a', 'b'));
    expect(readdirSync(dir)).toEqual(['file']);
  });
});
