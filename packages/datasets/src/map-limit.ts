/**
 * `fn` over `items` with at most `limit` calls in flight, results in input order. Reading
 * 50,000 small files one at a time wastes the disk's queue; all at once runs out of file
 * descriptors.
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0, failed = false;
  const worker = async (): Promise<void> => {
    // After a failure the other workers stop taking items: the caller already has its error.
    while (next < items.length && !failed) {
      const i = next++;
      try {
        results[i] = await fn(items[i], i);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  await Promise.all(Array.from({length: Math.min(limit, items.length)}, worker));
  return results;
}
