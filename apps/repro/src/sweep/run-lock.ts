import {randomBytes} from 'node:crypto';
import {mkdir, open, readdir, readFile, rm, rmdir} from 'node:fs/promises';
import {hostname} from 'node:os';
import {join} from 'node:path';
import {BadConfigError} from '@encoderless/errors';

/** The lock of a run folder: a folder of holder files, one per process that works there. */
export const LOCK_DIR = '.encoderless-lock';

/** What a holder file says about its process. */
export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  /** ISO time it took the lock. */
  readonly started: string;
  /** The run's hash (`runHash`): which settings it computes. */
  readonly hash: string;
  /** `'K/N'` for a shard, `'report'` for the report command, null for a whole run. */
  readonly role: string | null;
  readonly command: string;
}

export interface RunLock {
  /** Remove this process's holder file (and the lock folder when it is the last). */
  release(): Promise<void>;
}

/** Whether a process of this host is alive (`kill -0`; EPERM means it is, under another user). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether two holders may work in one folder at once: the same settings, and cooperating
 * roles — shards of one split with different indexes, or a report beside them.
 */
function compatible(a: LockHolder, b: LockHolder): boolean {
  if (a.hash !== b.hash) return false;
  if (a.role === 'report' || b.role === 'report') return true;
  if (a.role === null || b.role === null) return false;
  const [ka, na] = a.role.split('/'), [kb, nb] = b.role.split('/');
  return na === nb && ka !== kb;
}

/**
 * Take the lock of a run folder (an advisory lock: holder files with pid, host, start time and
 * the settings' hash). A holder of this host whose process is gone is stale: its file is
 * removed, with a message. A live holder that is not `compatible` refuses the lock with a
 * message naming it. Two processes that arrive at once each write their file first and then
 * look: whoever sees a conflict withdraws, so at most one of two incompatible runs proceeds
 * (perhaps neither, never both).
 */
export async function acquireRunLock(dir: string, me: Omit<LockHolder, 'pid' | 'host' | 'started'>,
  log: (line: string) => void): Promise<RunLock> {
  const lockDir = join(dir, LOCK_DIR);
  await mkdir(lockDir, {recursive: true});
  const self: LockHolder = {pid: process.pid, host: hostname(), started: new Date().toISOString(), ...me};
  const own = join(lockDir, `${self.host}.${self.pid}.${randomBytes(4).toString('hex')}.json`);
  const handle = await open(own, 'wx');
  try {
    await handle.writeFile(JSON.stringify(self));
    await handle.sync();
  } finally {
    await handle.close();
  }
  const release = async () => {
    await rm(own, {force: true});
    await rmdir(lockDir).catch(() => {}); // others still hold it, or it is gone
  };
  try {
    for (const name of await readdir(lockDir)) {
      const file = join(lockDir, name);
      if (file === own || !name.endsWith('.json')) continue;
      let other: LockHolder;
      try {
        other = JSON.parse(await readFile(file, 'utf8')) as LockHolder;
      } catch {
        continue; // being written or removed this instant; a half-written holder is not a run yet
      }
      if (other.host === self.host && !alive(other.pid)) {
        await rm(file, {force: true});
        log(`took over a stale lock of ${dir}: process ${other.pid} (${other.command}, started ${other.started}) is no longer running`);
        continue;
      }
      if (!compatible(self, other)) {
        const same = other.hash === self.hash;
        throw new BadConfigError(
          `${dir} is in use by process ${other.pid} on ${other.host} (${other.command}${other.role ? `, ${other.role}` : ''}, ` +
          `since ${other.started}) ${same ? 'with the same settings' : 'with other settings'}: ` +
          (same ? 'only shards (--shard K/N, different K) may share a folder; ' : '') +
          `wait for it to finish or choose another --out (if that process is gone, delete ${file})`, {option: '--out'});
      }
    }
  } catch (err) {
    await release();
    throw err;
  }
  return {release};
}
