import {BadConfigError, describe} from './bad-config-error';
import {takeRows, type MnistSplit} from './to-mnist-split';

/**
 * The rows of a split whose label is one of `labels`, in the split's order; for the
 * out-of-distribution scenario (train on digits 0–4, test on 5–9). Throws `BadConfigError`
 * for labels that are not digits 0–9 or when no row matches.
 *
 * ```ts
 * const seen = filterByLabels(train, [0, 1, 2, 3, 4]);
 * const unseen = filterByLabels(test, [5, 6, 7, 8, 9]);
 * ```
 */
export function filterByLabels(split: MnistSplit, labels: readonly number[]): MnistSplit {
  const fn = 'filterByLabels';
  if (!Array.isArray(labels) || labels.length === 0) {
    throw new BadConfigError(`${fn}: labels must be a non-empty array of digits 0–9, got ${describe(labels)}`);
  }
  const keep = new Uint8Array(10);
  for (const label of labels) {
    if (typeof label !== 'number' || !Number.isInteger(label) || label < 0 || label > 9) {
      throw new BadConfigError(`${fn}: labels must be digits 0–9, got ${describe(label)}`);
    }
    keep[label] = 1;
  }
  const rows: number[] = [];
  for (let i = 0; i < split.count; i++) if (keep[split.labels[i]]) rows.push(i);
  if (rows.length === 0) {
    throw new BadConfigError(`${fn}: no image of the ${split.count} in the split has a label in [${labels.join(', ')}]`);
  }
  return takeRows(split, rows);
}
