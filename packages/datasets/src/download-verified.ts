import {createHash, randomBytes} from 'node:crypto';
import {open, readFile, rename, unlink} from 'node:fs/promises';
import {join} from 'node:path';
import {makeFolder} from './make-folder';

/**
 * What `downloadVerified` needs: the file, where to look for it, its digest and the cache.
 * One verified-download path for every data set: MNIST (SHA-256 over two mirrors) and
 * CIFAR-10 (the authors' MD5, one URL).
 */
export interface DownloadVerifiedOptions {
  /** File name, appended to each mirror URL and used as the name in the cache. */
  readonly name: string;
  /** Base URLs ending in "/", tried in order. */
  readonly mirrors?: readonly string[];
  /** Whole URLs, tried in order instead of `mirrors` (the cache name stays `name`). Empty: the cache only. */
  readonly urls?: readonly string[];
  /** Lower-case hex SHA-256 the file must have (give this or `md5`). */
  readonly sha256?: string;
  /** Lower-case hex MD5, where the publisher gives no other digest (CIFAR-10). */
  readonly md5?: string;
  /** Folder of verified downloads; created if missing. */
  readonly cacheDir: string;
  /** Default: the global fetch. Injected by tests. */
  readonly fetch?: typeof fetch;
  /** Progress lines ("downloading …"); default: none. */
  readonly log?: (message: string) => void;
}

/** A verified file: where it is (the cache path, or its URL if it could not be cached) and its bytes. */
export type DownloadResult =
  | {readonly ok: true; readonly bytes: Uint8Array; readonly path: string; readonly fetched: boolean}
  /** `corrupt`: a URL that served bytes with the wrong digest (a corrupt or different file), if any. */
  | {readonly ok: false; readonly failures: readonly string[]; readonly corrupt?: string};

/** Lower-case hex SHA-256 of some bytes. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * One file from the cache, or else from the first mirror that serves it with the right
 * SHA-256, then written to the cache atomically (a temporary file renamed into place, so a
 * crash never leaves a half-written file under the real name). A cached file with the wrong
 * digest is fetched again. A mirror that fails (network error, HTTP error, wrong digest) falls
 * through to the next; when all fail, the result lists why each failed.
 */
export async function downloadVerified(options: DownloadVerifiedOptions): Promise<DownloadResult> {
  const {name, cacheDir, fetch: fetchFn = globalThis.fetch, log = () => {}} = options;
  const [algorithm, label, expected] = options.md5 !== undefined ? ['md5', 'MD5', options.md5] : ['sha256', 'SHA-256', options.sha256];
  const hex = (bytes: Uint8Array) => createHash(algorithm).update(bytes).digest('hex');
  const path = join(cacheDir, name);
  const cached = await readFile(path).catch(() => undefined);
  if (cached !== undefined) {
    const digest = hex(cached);
    if (digest === expected) return {ok: true, bytes: cached, path, fetched: false};
    log(`${path}: ${label} is ${digest}, expected ${expected}; fetching it again`);
  }
  const failures: string[] = [];
  let corrupt: string | undefined;
  for (const url of options.urls ?? (options.mirrors ?? []).map((mirror) => mirror + name)) {
    log(`downloading ${url}`);
    let bytes: Uint8Array;
    try {
      const response = await fetchFn(url);
      if (!response.ok) {
        failures.push(`${url}: HTTP ${response.status} ${response.statusText}`.trimEnd());
        continue;
      }
      bytes = new Uint8Array(await response.arrayBuffer());
    } catch (err) {
      failures.push(`${url}: ${describeError(err)}`);
      continue;
    }
    const digest = hex(bytes);
    if (digest !== expected) {
      failures.push(`${url}: ${label} is ${digest}, expected ${expected} (${bytes.length} bytes; a corrupt or different file)`);
      corrupt ??= url;
      continue;
    }
    try {
      await writeAtomically(cacheDir, path, bytes);
      return {ok: true, bytes, path, fetched: true};
    } catch (err) {
      // A read-only or full cache costs the next run a download, not this run its data.
      log(`could not cache ${path} (${describeError(err)}); using the download without caching it`);
      return {ok: true, bytes, path: url, fetched: true};
    }
  }
  return {ok: false, failures, ...(corrupt === undefined ? {} : {corrupt})};
}

/**
 * Write `bytes` to `path` through a temporary file in `dir`, fsynced, renamed into place; the
 * download caches' writer. It repeats @encoderless/report's `writeFileAtomic` so that a data
 * package does not depend on a charting one.
 */
export async function writeAtomically(dir: string, path: string, bytes: Uint8Array): Promise<void> {
  await makeFolder(dir);
  // Unique per process and call, in the same folder so the rename cannot cross file systems.
  const temp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.partial`;
  try {
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (err) {
    await unlink(temp).catch(() => {});
    throw err;
  }
}

function describeError(err: unknown): string {
  // Duck-typed rather than `instanceof Error`: errors from another realm (undici's inside a
  // vm context, as under jest) fail that check.
  if (typeof err !== 'object' || err === null || typeof (err as Error).message !== 'string') return String(err);
  const {message, cause} = err as {message: string; cause?: {code?: string; message?: string}};
  // undici reports "fetch failed" and keeps the reason (ECONNREFUSED, ENOTFOUND, …) in `cause`.
  const detail = cause?.code ?? cause?.message;
  return detail ? `${message} (${detail})` : message;
}
