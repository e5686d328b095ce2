/**
 * Records in table order: sorted by a tuple of numbers, compared element by element (the first
 * that differs decides), e.g. `[scenario index, N, model index]`.
 */
export function sortByKeys<R>(records: readonly R[], keys: (record: R) => readonly number[]): R[] {
  return [...records].sort((a, b) => {
    const x = keys(a), y = keys(b);
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i] - y[i];
    return 0;
  });
}
