/**
 * Axis ticks at round values, and the axis range they suggest. "Round" means 1, 2 or 5 times a
 * power of ten (Heckbert, "Nice numbers for graph labels", Graphics Gems, 1990), which is what
 * people read fastest off an axis.
 */

/** A linear axis: its range [min, max] (widened to round values) and the tick values in it. */
export interface AxisTicks {
  min: number;
  max: number;
  ticks: number[];
}

/** The round step (1, 2 or 5 × 10^k) that splits `span` into about `count` intervals. */
export function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  const nice = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10;
  return nice * power;
}

/**
 * Ticks for a linear axis over the data range [low, high]. Unless `fixed`, the range is widened
 * to the enclosing ticks, so lines do not end at an unlabelled edge. A zero-width range (all y
 * equal, or a single point) is first widened by 10% of the value, or by 1 around 0, so the line
 * sits in the middle of the panel rather than on a division by zero.
 *
 * ```ts
 * linearTicks(0.13, 0.91); // {min: 0, max: 1, ticks: [0, 0.2, 0.4, 0.6, 0.8, 1]}
 * ```
 */
export function linearTicks(low: number, high: number, count = 5, fixed = false): AxisTicks {
  if (low === high) {
    const pad = low === 0 ? 1 : Math.abs(low) * 0.1;
    low -= pad;
    high += pad;
  }
  const step = niceStep(high - low, count);
  const min = fixed ? low : Math.floor(low / step + 1e-9) * step;
  const max = fixed ? high : Math.ceil(high / step - 1e-9) * step;
  const ticks: number[] = [];
  // Tick k is computed as k·step (not by repeated addition) and cleaned of float noise, so
  // labels read 0.3, not 0.30000000000000004.
  for (let k = Math.ceil(min / step - 1e-9); k * step <= max + step * 1e-9; k++) {
    ticks.push(cleanFloat(k * step));
  }
  return {min: cleanFloat(min), max: cleanFloat(max), ticks};
}

/**
 * Ticks for a log10 axis over the positive data range [low, high]. Unless `fixed`, the range is
 * widened to whole decades. Ticks are the powers of ten; when the range spans less than about
 * two decades, 2× and 5× are added so the axis still has several labels.
 */
export function logTicks(low: number, high: number, fixed = false): AxisTicks {
  let lo = Math.floor(Math.log10(low) + 1e-9);
  let hi = Math.ceil(Math.log10(high) - 1e-9);
  // A single decade boundary (every value 100, say) would give a zero-width axis.
  if (hi === lo) {
    lo -= 1;
    hi += 1;
  }
  const min = fixed ? low : 10 ** lo;
  const max = fixed ? high : 10 ** hi;
  const multiples = hi - lo <= 2 ? [1, 2, 5] : [1];
  const ticks: number[] = [];
  for (let e = lo; e <= hi; e++) {
    for (const m of multiples) {
      const t = cleanFloat(m * 10 ** e);
      if (t >= min * (1 - 1e-9) && t <= max * (1 + 1e-9)) ticks.push(t);
    }
  }
  return {min: cleanFloat(min), max: cleanFloat(max), ticks};
}

/**
 * A tick label: plain digits for everyday magnitudes (0.001 … 99999), otherwise `1e-5`/`2e6`,
 * and never float noise.
 */
export function formatTick(value: number): string {
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e5 || magnitude < 1e-3) {
    return value.toExponential().replace(/\.?0*e\+?/, 'e');
  }
  return String(cleanFloat(value));
}

/** Rounds away binary float noise (0.1·3 = 0.30000000000000004) at 12 significant digits. */
function cleanFloat(value: number): number {
  return value === 0 ? 0 : Number(value.toPrecision(12));
}
