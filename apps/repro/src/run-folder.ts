import {existsSync, readFileSync, readdirSync, rmSync} from 'node:fs';
import {join} from 'node:path';
import {BadDataFileError} from '@encoderless/errors';
import {writeJsonAtomic} from '@encoderless/report/node';
import {BadFlagError} from './flags';


/**
 * An output folder that survives interruption: `config.json` says what made it, each finished
 * point is one atomically written file under `points/`, so Ctrl-C or a killed process loses
 * at most the point in flight and `--resume` picks up the rest.
 */
export interface RunFolder {
  readonly dir: string;
  readPoint<T>(key: string): T | undefined;
  writePoint(key: string, value: unknown): Promise<void>;
  file(name: string): string;
}

function sameSettings(a: unknown, b: unknown): string | null {
  const x = a as Record<string, unknown>, y = b as Record<string, unknown>;
  for (const key of new Set([...Object.keys(x), ...Object.keys(y)])) {
    if (JSON.stringify(x[key]) !== JSON.stringify(y[key])) {
      return `${key}: ${JSON.stringify(y[key])} in the folder, ${JSON.stringify(x[key])} now`;
    }
  }
  return null;
}

/**
 * Open (or create) a run folder for `settings` (everything that changes the numbers). With
 * `resume`, the folder's config must match; without it, old points are cleared.
 */
export async function openRunFolder(dir: string, command: string, settings: object,
  options: {resume: boolean; extra?: object}): Promise<RunFolder> {
  const configPath = join(dir, 'config.json');
  const pointsDir = join(dir, 'points');
  if (options.resume && existsSync(configPath)) {
    let old: {settings?: unknown};
    try {
      old = JSON.parse(readFileSync(configPath, 'utf8'));
    } catch (err) {
      throw new BadDataFileError(`${configPath}: not valid JSON (${(err as Error).message}); remove the folder or choose another --out`, configPath);
    }
    const diff = sameSettings(settings, old.settings ?? {});
    if (diff) {
      throw new BadFlagError(`encoderless ${command} --resume: ${dir} was made with other settings (${diff}); ` +
        'rerun with the same flags, or without --resume to start over');
    }
  } else if (existsSync(pointsDir)) {
    rmSync(pointsDir, {recursive: true, force: true});
  }
  await writeJsonAtomic(configPath, {command, settings, ...options.extra});
  return {
    dir,
    file: (name) => join(dir, name),
    readPoint<T>(key: string): T | undefined {
      const path = join(pointsDir, `${key}.json`);
      if (!existsSync(path)) return undefined;
      try {
        return JSON.parse(readFileSync(path, 'utf8')) as T;
      } catch (err) {
        throw new BadDataFileError(`${path}: not valid JSON (${(err as Error).message}); delete it to recompute that point`, path);
      }
    },
    writePoint: (key, value) => writeJsonAtomic(join(pointsDir, `${key}.json`), value),
  };
}

/** Keys of the points already in a folder (for reports). */
export function listPoints(dir: string): string[] {
  const pointsDir = join(dir, 'points');
  return existsSync(pointsDir) ? readdirSync(pointsDir).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)) : [];
}
