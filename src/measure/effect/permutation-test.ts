import { seededRandom } from "./random.js";

/**
 * Permutation inference over teams, with a studentised statistic.
 *
 * Why this method: with a handful of teams per side, cluster-robust t-tests over-reject badly and the wild
 * cluster bootstrap can over- or under-reject when few clusters are treated (MacKinnon & Webb, "Randomization
 * inference for difference-in-differences with few treated clusters"). Re-assigning the pilot label among
 * the teams is exact under the null when assignment is exchangeable, whatever the number of teams. We permute
 * Welch's t rather than the raw difference of means: they found coefficient-based randomization inference
 * unreliable when teams differ in variance, and a studentised permutation test stays valid in that case
 * (Chung & Romano 2013). The interval is the set of effects the test does not reject (test inversion).
 */
export interface PermutationDesign {
  /** Index sets of the teams labelled "pilot" in each re-assignment; the first is the real one. */
  assignments: Int32Array[];
  exact: boolean;
}

function binomial(n: number, k: number): number {
  let result = 1;
  for (let i = 1; i <= k; i++) result = (result * (n - k + i)) / i;
  return result;
}

/** Every assignment when there are at most `limit` of them, else `samples` random ones (seeded). */
export function permutationDesign(
  n: number,
  treated: number,
  samples: number,
  seed: number,
  limit = 5000,
): PermutationDesign {
  const real = Int32Array.from({ length: treated }, (_, i) => i);
  if (binomial(n, treated) <= limit) {
    const assignments: Int32Array[] = [];
    const combo = Array.from({ length: treated }, (_, i) => i);
    for (;;) {
      assignments.push(Int32Array.from(combo));
      let i = treated - 1;
      while (i >= 0 && combo[i] === n - treated + i) i--;
      if (i < 0) break;
      combo[i] = (combo[i] ?? 0) + 1;
      for (let j = i + 1; j < treated; j++) combo[j] = (combo[j - 1] ?? 0) + 1;
    }
    return { assignments, exact: true };
  }
  const random = seededRandom(seed);
  const assignments = [real];
  const pool = Array.from({ length: n }, (_, i) => i);
  for (let s = 0; s < samples; s++) {
    for (let i = 0; i < treated; i++) {
      const j = i + Math.floor(random() * (n - i));
      [pool[i], pool[j]] = [pool[j] ?? 0, pool[i] ?? 0];
    }
    assignments.push(Int32Array.from(pool.slice(0, treated)));
  }
  return { assignments, exact: false };
}

/** Welch's t of the labelled set against the rest. */
function welch(values: Float64Array, labelled: Int32Array, total: number, totalSq: number): number {
  const n1 = labelled.length;
  const n0 = values.length - n1;
  let s1 = 0;
  let q1 = 0;
  for (const i of labelled) {
    const v = values[i] ?? 0;
    s1 += v;
    q1 += v * v;
  }
  const s0 = total - s1;
  const q0 = totalSq - q1;
  const m1 = s1 / n1;
  const m0 = s0 / n0;
  const v1 = Math.max((q1 - n1 * m1 * m1) / (n1 - 1), 0);
  const v0 = Math.max((q0 - n0 * m0 * m0) / (n0 - 1), 0);
  const se = Math.sqrt(v1 / n1 + v0 / n0);
  return se > 0 ? (m1 - m0) / se : (m1 - m0) * 1e12;
}

/**
 * Two-sided p-value of "the pilot teams' effect is `shift`": the pilot values (indexes 0..treated-1) are
 * shifted back by it, then the real labelling's |t| is ranked among every re-assignment's.
 */
export function permutationPValue(
  values: readonly number[],
  treated: number,
  design: PermutationDesign,
  shift = 0,
): number {
  const adjusted = Float64Array.from(values, (v, i) => (i < treated ? v - shift : v));
  let total = 0;
  let totalSq = 0;
  for (const v of adjusted) {
    total += v;
    totalSq += v * v;
  }
  const [real, ...others] = design.assignments;
  const observed = Math.abs(welch(adjusted, real as Int32Array, total, totalSq)) - 1e-9;
  let atLeast = 0;
  for (const a of others) if (Math.abs(welch(adjusted, a, total, totalSq)) >= observed) atLeast++;
  // The real assignment counts as one of the re-assignments (it is in the exact set, and is added to a sample).
  return (atLeast + 1) / (others.length + 1);
}

/**
 * The set of shifts with p > alpha, found by bisection on each side of the point estimate (the p-value
 * falls away from the estimate). `scale` sets the first bracket; it widens until a shift is rejected.
 */
export function invertTest(
  values: readonly number[],
  treated: number,
  design: PermutationDesign,
  estimate: number,
  scale: number,
  alpha: number,
): [number, number] | undefined {
  const accepted = (shift: number) => permutationPValue(values, treated, design, shift) > alpha;
  if (!accepted(estimate)) return undefined;
  const bound = (direction: 1 | -1): number | undefined => {
    let inside = estimate;
    let step = Math.max(scale, 1e-9);
    let outside = estimate + direction * step;
    for (let i = 0; accepted(outside); i++) {
      if (i > 40) return undefined;
      inside = outside;
      step *= 2;
      outside = estimate + direction * step;
    }
    for (let i = 0; i < 40 && Math.abs(outside - inside) > scale * 1e-4; i++) {
      const middle = (inside + outside) / 2;
      if (accepted(middle)) inside = middle;
      else outside = middle;
    }
    return (inside + outside) / 2;
  };
  const low = bound(-1);
  const high = bound(1);
  return low === undefined || high === undefined ? undefined : [low, high];
}
