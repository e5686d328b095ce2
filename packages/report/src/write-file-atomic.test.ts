import {promises as fsp} from 'fs';
import * as os from 'os';
import * as path from 'path';

import {isTemporaryFile, writeFileAtomic, writeJsonAtomic} from './write-file-atomic';

let folder: string;
beforeEach(async () => {
  folder = await fsp.mkdtemp(path.join(os.tmpdir(), 'report-atomic-'));
});
afterEach(async () => {
  jest.restoreAllMocks();
  await fsp.rm(folder, {recursive: true, force: true});
});

/** Every file in the folder, so a leftover temp file (dot-prefixed) shows up. */
const listing = () => fsp.readdir(folder);

describe('writeFileAtomic', () => {
  it('writes a string and creates missing parent folders', async () => {
    const file = path.join(folder, 'a', 'b', 'losses.csv');
    await writeFileAtomic(file, 'step,loss\n1,0.5\n');
    expect(await fsp.readFile(file, 'utf8')).toBe('step,loss\n1,0.5\n');
    expect(await fsp.readdir(path.join(folder, 'a', 'b'))).toEqual(['losses.csv']);
  });

  it('writes bytes and replaces an existing file', async () => {
    const file = path.join(folder, 'x.bin');
    await writeFileAtomic(file, 'old');
    await writeFileAtomic(file, new Uint8Array([0, 255, 7]));
    expect([...await fsp.readFile(file)]).toEqual([0, 255, 7]);
    expect(await listing()).toEqual(['x.bin']);
  });

  it('a failure at the rename leaves the previous file intact and no temp file behind', async () => {
    const file = path.join(folder, 'results.json');
    await writeFileAtomic(file, 'previous');
    // The temp file is fully written and synced when rename fails: the last moment it exists.
    jest.spyOn(fsp, 'rename').mockRejectedValueOnce(new Error('simulated EIO'));
    await expect(writeFileAtomic(file, 'next')).rejects.toThrow('simulated EIO');
    expect(await fsp.readFile(file, 'utf8')).toBe('previous');
    expect(await listing()).toEqual(['results.json']);
  });

  it('a failure while writing leaves the previous file intact and no temp file behind', async () => {
    const file = path.join(folder, 'results.json');
    await writeFileAtomic(file, 'previous');
    const open = fsp.open;
    jest.spyOn(fsp, 'open').mockImplementationOnce(async (...args: Parameters<typeof fsp.open>) => {
      const handle = await open(...args);
      // Write half the bytes for real, then fail, as a full disk would.
      handle.writeFile = async (data: unknown) => {
        await fsp.appendFile(args[0] as string, String(data).slice(0, 2));
        throw new Error('simulated ENOSPC');
      };
      return handle;
    });
    await expect(writeFileAtomic(file, 'next value')).rejects.toThrow('simulated ENOSPC');
    expect(await fsp.readFile(file, 'utf8')).toBe('previous');
    expect(await listing()).toEqual(['results.json']);
  });

  it('a folder that cannot exist fails at once with the file system\'s code (under /proc it used to hang)', async () => {
    if (process.platform !== 'linux') return;
    await expect(writeFileAtomic('/proc/encoderless-test/run/results.json', 'x')).rejects.toMatchObject({code: 'ENOENT'});
  });

  it('writers racing into one new folder all succeed (one of them meets the folder the other just made)', async () => {
    const deep = path.join(folder, 'new', 'deeper');
    await Promise.all(Array.from({length: 8}, (_, i) => writeFileAtomic(path.join(deep, `point-${i}.json`), String(i))));
    expect((await fsp.readdir(deep)).sort()).toEqual(Array.from({length: 8}, (_, i) => `point-${i}.json`));
  });

  it('closes every file and folder it opens (no descriptor left behind)', async () => {
    if (process.platform !== 'linux') return;
    const open = () => fsp.readdir('/proc/self/fd').then((fds) => fds.length);
    const before = await open();
    for (let i = 0; i < 30; i++) await writeFileAtomic(path.join(folder, `f${i}`), 'x');
    // One leaked descriptor per write would be 30 (or 60); other tasks of the process may open a few.
    expect(await open() - before).toBeLessThan(10);
  });

  it('throws when the path is empty or not a string', async () => {
    await expect(writeFileAtomic('', 'x')).rejects.toThrow(/^writeFileAtomic: path must be a non-empty string, got ""$/);
    await expect(writeFileAtomic(7 as unknown as string, 'x')).rejects.toThrow(/^writeFileAtomic: path must be a non-empty string, got 7$/);
  });

  it('throws when data is neither a string nor bytes', async () => {
    await expect(writeFileAtomic(path.join(folder, 'f'), 42 as unknown as string))
      .rejects.toThrow(/writeFileAtomic: data must be a string or a Uint8Array, got 42/);
    expect(await listing()).toEqual([]);
  });
});

describe('isTemporaryFile', () => {
  it('recognises the temporary file of a write in flight, caught at the moment it exists, and nothing else', async () => {
    const file = path.join(folder, 'config.json');
    let seen: string[] = [];
    // The temp file is complete when rename is called: list the folder then.
    const rename = fsp.rename.bind(fsp);
    jest.spyOn(fsp, 'rename').mockImplementationOnce(async (from, to) => {
      seen = await listing();
      return rename(from, to);
    });
    await writeFileAtomic(file, '{}');
    expect(seen).toHaveLength(1);
    expect(isTemporaryFile(seen[0])).toBe(true);
    for (const name of ['config.json', '.config.json', 'notes.tmp', '.config.json.12.abc.tmp', 'x.123.0123456789ab.tmp', '.a.1.0123456789ab.tmp.bak']) {
      expect(isTemporaryFile(name)).toBe(false);
    }
  });
});

describe('writeJsonAtomic', () => {
  it('writes two-space JSON with a newline at the end', async () => {
    const file = path.join(folder, 'config.json');
    await writeJsonAtomic(file, {seed: 1, lr: [0.001]});
    expect(await fsp.readFile(file, 'utf8')).toBe('{\n  "seed": 1,\n  "lr": [\n    0.001\n  ]\n}\n');
  });

  it('a value that fails to serialise (BigInt, cycle) leaves the previous file intact and no temp file', async () => {
    const file = path.join(folder, 'config.json');
    await writeJsonAtomic(file, {ok: true});
    await expect(writeJsonAtomic(file, {n: 1n})).rejects.toThrow(/BigInt/);
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    await expect(writeJsonAtomic(file, cycle)).rejects.toThrow(/circular/);
    expect(JSON.parse(await fsp.readFile(file, 'utf8'))).toEqual({ok: true});
    expect(await listing()).toEqual(['config.json']);
  });

  it('throws when the value has no JSON form (undefined)', async () => {
    await expect(writeJsonAtomic(path.join(folder, 'u.json'), undefined))
      .rejects.toThrow(/writeJsonAtomic: value must be JSON-serialisable, got undefined/);
  });
});
