import {createHash} from 'node:crypto';
import {existsSync, readdirSync, readFileSync, statSync} from 'node:fs';
import {access, constants, rm, rmdir, statfs} from 'node:fs/promises';
import {dirname, join, resolve, sep} from 'node:path';
import {BadConfigError, BadDataFileError} from '@encoderless/errors';
import {isTemporaryFile, writeJsonAtomic} from '@encoderless/report/node';
import type {DataIdentity} from './experiment';
import {fileSystemError, onPath} from './fs-errors';
import {listOwnPoints, pointPath} from './points';
import {LOCK_DIR} from './run-lock';

/**
 * A run folder: `config.json` (what made it), one file per finished point under `points/`,
 * the results, figures and report, and `manifest.json` listing every other file the tool
 * wrote there. The rules, in the order `runExperiment` applies them, before anything is
 * written:
 *
 * - an empty or missing folder is a fresh run;
 * - a folder holding a run is refused unless `--resume` (same settings: every knob, the
 *   backend, the data) or `--overwrite` (deletes the files encoderless wrote there, and only
 *   those) says what to do with it; `--shard` joins a run of the same settings;
 * - a folder with points but no `config.json`, or with other files and no run, is refused:
 *   nothing in it is ever deleted.
 */
export const RUN_FORMAT = 'encoderless-run/1';
const MANIFEST_FORMAT = 'encoderless-manifest/1';

/** config.json: everything that decides a run's numbers, and their hash. */
export interface RunRecord {
  readonly format: typeof RUN_FORMAT;
  readonly experiment: string;
  /** The preset the config started from ('full', 'quick'). */
  readonly preset: string;
  readonly config: object;
  readonly backend: string;
  readonly data: DataIdentity;
  /** SHA-256 of the canonical JSON of {experiment, preset, config, backend, data.sha256}. */
  readonly hash: string;
}

/** JSON with sorted keys: the same settings give the same text whatever order they were built in. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function runHash(r: Pick<RunRecord, 'experiment' | 'preset' | 'config' | 'backend'> & {data: Pick<DataIdentity, 'sha256'>}): string {
  return createHash('sha256').update(canonicalJson({
    experiment: r.experiment, preset: r.preset, config: r.config, backend: r.backend, data: r.data.sha256,
  })).digest('hex');
}

// statfs magic numbers of file systems that are not storage (linux/magic.h).
const PSEUDO_FILE_SYSTEMS: Readonly<Record<number, string>> = {
  0x9fa0: 'proc', 0x62656572: 'sysfs', 0x27e0eb: 'cgroup', 0x63677270: 'cgroup2', 0x64626720: 'debugfs',
  0x74726163: 'tracefs', 0x73636673: 'securityfs', 0x1cd1: 'devpts', 0x6165676c: 'pstore', 0xcafe4a11: 'bpf',
  0x62656570: 'configfs', 0xde5e81e4: 'efivarfs', 0x65735543: 'fusectl', 0x19800202: 'mqueue', 0x42494e4d: 'binfmt_misc',
};

/** The deepest folder of `path` (or `path` itself) that exists. */
function nearestExisting(path: string): string {
  let p = path;
  while (!existsSync(p) && dirname(p) !== p) p = dirname(p);
  return p;
}

/**
 * Refuse an output path that cannot hold a run, before anything is created: a pseudo file
 * system (/proc, /sys, /dev: Node's mkdir hangs under /proc), a path through a file, a file
 * where the folder should be, a folder without write permission. Returns the absolute path.
 */
export async function checkOutputPath(out: string): Promise<string> {
  const dir = resolve(out);
  const fail = (why: string) => new BadDataFileError(`--out ${out}: ${why}`, dir, {option: '--out'});
  const top = dir.split(sep)[1] ?? '';
  if (['proc', 'sys'].includes(top) || (top === 'dev' && !dir.startsWith(`${sep}dev${sep}shm`))) {
    throw fail(`/${top} is not storage (a pseudo file system); choose a folder on a disk`);
  }
  const existing = nearestExisting(dir);
  if (process.platform === 'linux') {
    const kind = PSEUDO_FILE_SYSTEMS[(await statfs(existing).catch(() => ({type: -1}))).type];
    if (kind) throw fail(`${existing} is on a ${kind} file system, which is not storage; choose a folder on a disk`);
  }
  if (!statSync(existing).isDirectory()) {
    throw existing === dir ? fail('is a file, not a folder (EEXIST); choose a folder') : fail(`${existing} is a file, not a folder (ENOTDIR); choose another path`);
  }
  await access(existing, constants.W_OK | constants.X_OK).catch((err: NodeJS.ErrnoException) => {
    throw fail(`${existing} is not writable (${err.code}); choose a folder you can write to, or fix its permissions`);
  });
  return dir;
}

/** What an output folder holds, read without changing it. */
export type FolderState =
  | {readonly kind: 'empty'}
  | {readonly kind: 'run'; readonly run: RunRecord; readonly points: number}
  | {readonly kind: 'old-run'}
  | {readonly kind: 'points-without-config'}
  | {readonly kind: 'foreign'; readonly entries: readonly string[]};

export function inspectFolder(dir: string): FolderState {
  if (!existsSync(dir)) return {kind: 'empty'};
  let entries: string[];
  try {
    // The lock, and another process's write in flight (its temporary file), are not contents.
    entries = readdirSync(dir).filter((e) => e !== LOCK_DIR && !isTemporaryFile(e));
  } catch (err) {
    throw fileSystemError(err, dir, '--out');
  }
  if (entries.length === 0) return {kind: 'empty'};
  const configPath = join(dir, 'config.json');
  if (!entries.includes('config.json')) {
    return entries.includes('points') ? {kind: 'points-without-config'} : {kind: 'foreign', entries};
  }
  let value: Partial<RunRecord> & {command?: unknown; settings?: unknown};
  try {
    value = JSON.parse(readFileSync(configPath, 'utf8'));
  } catch (err) {
    throw new BadDataFileError(`${configPath}: not valid JSON (${(err as Error).message}); it is not a run this tool can check: ` +
      'nothing was changed; choose another --out', configPath, {option: '--out'});
  }
  if (value?.format === RUN_FORMAT) return {kind: 'run', run: value as RunRecord, points: listOwnPoints(dir).length};
  return value && 'command' in value && 'settings' in value ? {kind: 'old-run'} : {kind: 'foreign', entries};
}

/** What a command does with its folder. */
export type FolderMode = 'fresh' | 'resume' | 'overwrite' | 'join';

export interface FolderRequest {
  readonly dir: string;
  readonly experiment: string;
  readonly preset: string;
  readonly resume: boolean;
  readonly overwrite: boolean;
  readonly shard: boolean;
  /** The settings of this run (the data's hash may be unknown yet: null skips that comparison). */
  readonly config: object;
  readonly backend: string;
  readonly dataSha256?: string | null;
  /** Names a config path by its flag, for messages. */
  readonly flagOf: (path: string) => string;
}

/**
 * Decide what to do with a folder, or refuse (`BadConfigError` naming --resume / --overwrite /
 * --out and what differs). Pure on its inputs: nothing is changed.
 */
export function decideFolder(state: FolderState, r: FolderRequest): FolderMode {
  const where = `--out ${r.dir}`;
  if (r.resume && r.overwrite) throw new BadConfigError('--resume and --overwrite disagree: give one', {option: '--overwrite'});
  switch (state.kind) {
    case 'empty': return 'fresh';
    case 'points-without-config':
      throw new BadConfigError(`${where} holds points/ but no config.json, so nobody can tell what made them; nothing was ` +
        'changed: choose another --out', {option: '--out'});
    case 'foreign':
      throw new BadConfigError(`${where} is not empty (${state.entries.slice(0, 3).join(', ')}${state.entries.length > 3 ? ', …' : ''}) ` +
        'and holds no encoderless run; nothing there is deleted or overwritten: choose a new or empty folder', {option: '--out'});
    case 'old-run':
      throw new BadConfigError(`${where} holds a run of an older encoderless, which did not record the backend and data its ` +
        'points came from, so they cannot be checked; nothing was changed: choose another --out (or move that run away)', {option: '--out'});
    case 'run': {
      const diff = settingsDiff(state.run, r);
      if (r.overwrite) return 'overwrite';
      if (r.resume || r.shard) {
        if (diff) {
          throw new BadConfigError(`${where} holds a run with other settings (${diff}); nothing was changed: rerun with the ` +
            "folder's settings, or --overwrite to replace its files, or choose another --out", {option: r.resume ? '--resume' : '--shard'});
        }
        return r.resume ? 'resume' : 'join';
      }
      throw new BadConfigError(`${where} already holds a ${state.run.experiment} run (${state.points} finished point` +
        `${state.points === 1 ? '' : 's'}); nothing was changed: add --resume to continue it${diff ? ` (its settings differ: ${diff})` : ''}, ` +
        'or --overwrite to replace it (deletes only the files encoderless wrote there), or choose another --out', {option: '--out'});
    }
  }
}

/** The first setting that differs between a folder's run and this one, as a phrase, or null. */
function settingsDiff(run: RunRecord, r: FolderRequest): string | null {
  if (run.experiment !== r.experiment) return `command: ${run.experiment} there, ${r.experiment} now`;
  if (run.backend !== r.backend) return `--backend: ${run.backend} there, ${r.backend} now`;
  if (run.preset !== r.preset) return `--preset: ${run.preset} there, ${r.preset} now`;
  const flat = (o: unknown, prefix = ''): [string, string][] => (o !== null && typeof o === 'object' && !Array.isArray(o)
    ? Object.entries(o).flatMap(([k, v]) => flat(v, prefix ? `${prefix}.${k}` : k)) : [[prefix, JSON.stringify(o)]]);
  const a = new Map(flat(run.config)), b = new Map(flat(r.config));
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    if (a.get(key) !== b.get(key)) return `${r.flagOf(key)}: ${a.get(key) ?? 'absent'} there, ${b.get(key) ?? 'absent'} now`;
  }
  if (r.dataSha256 !== undefined && run.data.sha256 !== r.dataSha256) {
    return `the data: SHA-256 ${String(run.data.sha256).slice(0, 12)}… there (${run.data.source}), ${String(r.dataSha256).slice(0, 12)}… now`;
  }
  return null;
}

/** manifest.json: the files other than config.json and points/ that encoderless wrote in a folder. */
function readManifest(dir: string): string[] {
  try {
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as {format?: string; files?: unknown};
    if (m.format !== MANIFEST_FORMAT || !Array.isArray(m.files)) return [];
    // Names in the folder itself only: a hand-edited manifest cannot point the delete elsewhere.
    return m.files.filter((f): f is string => typeof f === 'string' && f !== '' && !f.includes('/') && !f.includes('\\') && f !== '..');
  } catch {
    return [];
  }
}

export async function writeManifest(dir: string, files: readonly string[]): Promise<void> {
  const path = join(dir, 'manifest.json');
  const all = [...new Set([...readManifest(dir), ...files])].sort();
  await onPath(path, '--out', () => writeJsonAtomic(path, {format: MANIFEST_FORMAT, files: all}));
}

/**
 * --overwrite: delete what encoderless wrote in a folder (config.json, the files of its
 * manifest, its own point files) and nothing else; returns the names of the files it left.
 */
export async function clearOwnFiles(dir: string): Promise<string[]> {
  const own = [...readManifest(dir), 'manifest.json', 'config.json'];
  await onPath(dir, '--out', async () => {
    for (const key of listOwnPoints(dir)) await rm(pointPath(dir, key), {force: true});
    await rmdir(join(dir, 'points')).catch(() => {}); // left when it holds files we did not write
    for (const name of own) await rm(join(dir, name), {force: true});
  });
  const left: string[] = [];
  const walk = (d: string, prefix: string) => {
    if (!existsSync(d)) return;
    for (const e of readdirSync(d, {withFileTypes: true})) {
      if (e.name === LOCK_DIR) continue;
      if (e.isDirectory()) walk(join(d, e.name), `${prefix}${e.name}/`);
      else left.push(`${prefix}${e.name}`);
    }
  };
  walk(dir, '');
  return left;
}

export async function writeRunRecord(dir: string, run: RunRecord): Promise<void> {
  const path = join(dir, 'config.json');
  await onPath(path, '--out', () => writeJsonAtomic(path, run));
}
