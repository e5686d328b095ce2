import {spawnSync} from 'node:child_process';
import {existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync} from 'node:fs';
import {hostname, tmpdir} from 'node:os';
import {join} from 'node:path';
import {acquireRunLock, LOCK_DIR} from './run-lock';

const me = (hash: string, role: string | null = null) => ({hash, role, command: 'test'});
const fresh = () => mkdtempSync(join(tmpdir(), 'run-lock-'));

describe('run lock', () => {
  it('a second holder with other settings is refused, naming the first; after release it may take the folder', async () => {
    const dir = fresh();
    const first = await acquireRunLock(dir, me('aaa'), () => {});
    await expect(acquireRunLock(dir, me('bbb'), () => {}))
      .rejects.toThrow(new RegExp(`in use by process ${process.pid} on ${hostname()} \\(test, since .*\\) with other settings`));
    await first.release();
    const second = await acquireRunLock(dir, me('bbb'), () => {});
    await second.release();
    expect(existsSync(join(dir, LOCK_DIR))).toBe(false);
  });

  it('the same settings share only as shards with different indexes, or as a report', async () => {
    const dir = fresh();
    const whole = await acquireRunLock(dir, me('aaa'), () => {});
    await expect(acquireRunLock(dir, me('aaa'), () => {})).rejects.toThrow(/with the same settings: only shards .* may share a folder/);
    await whole.release();
    const s1 = await acquireRunLock(dir, me('aaa', '1/2'), () => {});
    const s2 = await acquireRunLock(dir, me('aaa', '2/2'), () => {});
    await expect(acquireRunLock(dir, me('aaa', '2/2'), () => {})).rejects.toThrow(/only shards/);
    await expect(acquireRunLock(dir, me('aaa', '1/3'), () => {})).rejects.toThrow(/only shards/);
    const report = await acquireRunLock(dir, me('aaa', 'report'), () => {});
    await expect(acquireRunLock(dir, me('bbb', 'report'), () => {})).rejects.toThrow(/with other settings/);
    await Promise.all([s1.release(), s2.release(), report.release()]);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a stale lock of a dead process of this host is taken over, with a message', async () => {
    const dir = fresh();
    // A pid that is surely gone: a child that has exited.
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    await acquireRunLock(dir, me('zzz'), () => {}).then((l) => l.release());
    const lockDir = join(dir, LOCK_DIR);
    mkdirSync(lockDir, {recursive: true});
    writeFileSync(join(lockDir, `${hostname()}.${dead}.0.json`),
      JSON.stringify({pid: dead, host: hostname(), started: '2024-01-01T00:00:00.000Z', hash: 'other', role: null, command: 'encoderless simulated'}));
    const lines: string[] = [];
    const lock = await acquireRunLock(dir, me('aaa'), (l) => lines.push(l));
    expect(lines.join('\n')).toMatch(new RegExp(`took over a stale lock of .*: process ${dead} \\(encoderless simulated, started 2024-01-01T00:00:00.000Z\\) is no longer running`));
    await lock.release();
  });
});
