/**
 * The paper's claims become checks that can fail: each states its threshold, read from the
 * paper's words and chosen here, in one place; prints what was measured beside it; and says
 * "held", "did not hold", or "not tested" (the data needed was not run).
 */

/**
 * "much better", "far worse": the larger loss must be at least this many times the smaller.
 * Why 1.15: the PyTorch re-implementation of the paper's MNIST setting gives an autoencoder /
 * decoder test-BCE ratio of 1.21 at N = 500, the paper's own example of "much better"; a ratio
 * of 1.04 (what an under-fitted inference gives) is within what a change of seed or of the
 * test-time fitting moves, so it cannot support "much". 1.15 accepts the former, refuses the
 * latter, and is the target issue #16 sets for the runner.
 */
export const MUCH_RATIO = 1.15;

/** "about three times": within a factor 1.5 of 3, i.e. a ratio in [2, 4.5]. */
export const ABOUT_THREE = {low: 2, high: 4.5} as const;

/** "about" a count (e.g. "about 13,000 samples"): within 10 % of it. */
export const ABOUT_RELATIVE = 0.1;

/** "stops improving": the loss falls by less than this fraction over the rest of the sweep. */
export const STOPS_IMPROVING = 0.05;

/** "the gap closes": the ratio falls and ends within this distance of 1. */
export const GAP_CLOSED = 0.25;

export type Verdict = 'held' | 'did not hold' | 'not tested';

/** One checked claim: the paper's words, the threshold, what was measured, and the verdict. */
export interface ClaimCheck {
  /** The claim as the paper words it (quoted in the report). */
  readonly claim: string;
  readonly verdict: Verdict;
  /** The threshold and the measurement, or why it was not tested. */
  readonly detail: string;
}

/** A claim as a report line: `*"claim"* — detail: **verdict**.` */
export function formatClaim(check: ClaimCheck): string {
  return `*"${check.claim}"* — ${check.detail}: **${check.verdict}**.`;
}

/** The claims as a numbered list, in order. */
export function formatClaims(checks: readonly ClaimCheck[]): string[] {
  return checks.map((c, i) => `${i + 1}. ${formatClaim(c)}`);
}

/**
 * A claim that one loss is "much" (or "far", `word`) larger than another: held when
 * `larger / smaller` ≥ `MUCH_RATIO`; a non-finite loss (a run that diverged) is not a
 * measurement, so "did not hold".
 */
export function checkMuchLarger(claim: string, what: string, larger: number, smaller: number, word = 'much'): ClaimCheck {
  const ratio = larger / smaller;
  if (!Number.isFinite(ratio) || ratio <= 0) {
    return {claim, verdict: 'did not hold', detail: `${what}: a loss is not finite (${larger} / ${smaller}); the run diverged`};
  }
  return {
    claim, verdict: ratio >= MUCH_RATIO ? 'held' : 'did not hold',
    detail: `${what}: ratio **${ratio.toFixed(2)}** (threshold ≥ ${MUCH_RATIO} for "${word}")`,
  };
}

/** A claim not tested, and why. */
export function notTested(claim: string, why: string): ClaimCheck {
  return {claim, verdict: 'not tested', detail: why};
}
