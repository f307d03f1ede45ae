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
 * (Chung & Romano 2013) — asymptotically; with four or five teams a side it can still under-cover when the
 * sides' noise differs, which is why `compareSides` also takes Welch's t interval into account.
 */
export interface PermutationDesign {
  /** Index sets of the teams labelled "pilot" in each re-assignment; the first is the real one. */
  assignments: Int32Array[];
  exact: boolean;
}

export function binomial(n: number, k: number): number {
  let result = 1;
  for (let i = 1; i <= k; i++) result = (result * (n - k + i)) / i;
  return Math.round(result);
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
    assignments.push(Int32Array.from(pool.slice(0, treated).sort((a, b) => a - b)));
  }
  return { assignments, exact: false };
}

/** Ties within this relative distance count as ties: the p-value must not depend on the last bit. */
const TIE = 1e-9;

export interface PermutationTest {
  /** Two-sided p-value of "the pilot teams' effect is `shift`". */
  pValue(shift?: number): number;
  /** One-sided p-value of "the pilot teams' effect is `shift`" against an effect beyond it in `direction`. */
  oneSidedPValue(direction: 1 | -1, shift?: number): number;
}

/**
 * The permutation test of `values` (pilot teams first, `treated` of them) over `design`: for a shift, the pilot
 * values are shifted back by it, then the real labelling's Welch t is ranked among every re-assignment's.
 *
 * Each group's sums are taken once, over its own teams in index order, and a shift only rescales them, so a
 * p-value costs one pass over the assignments. Because the two groups are summed alike, an assignment and its
 * complement give exactly opposite t — the symmetry an exact design's smallest p-value rests on. Taking the
 * second group's sums as "total minus the first" lost it: with well-separated, nearly constant groups the
 * complement's |t| came out a hair smaller than the real one's, and the p-value fell to 1/70 in a 4 v 4 design
 * whose smallest attainable value is 2/70.
 */
export function permutationTest(
  values: readonly number[],
  treated: number,
  design: PermutationDesign,
): PermutationTest {
  // Welch's t does not change when every value moves by the same amount; centring keeps the sums small.
  const centre = values.reduce((s, v) => s + v, 0) / values.length;
  const centred = values.map((v) => v - centre);
  // Per assignment, for each group (offset 0, then 5): teams, pilot teams, sum, sum over pilot teams, squares.
  const count = design.assignments.length;
  const sums = new Float64Array(count * 10);
  design.assignments.forEach((assignment, a) => {
    const labelled = new Uint8Array(values.length);
    for (const i of assignment) labelled[i] = 1;
    centred.forEach((v, i) => {
      const g = a * 10 + (labelled[i] ? 0 : 5);
      const pilot = i < treated ? 1 : 0;
      sums[g] = (sums[g] as number) + 1;
      sums[g + 1] = (sums[g + 1] as number) + pilot;
      sums[g + 2] = (sums[g + 2] as number) + v;
      sums[g + 3] = (sums[g + 3] as number) + pilot * v;
      sums[g + 4] = (sums[g + 4] as number) + v * v;
    });
  });
  const ts = new Float64Array(count);
  // With x = v - shift for pilot teams: sum x = s - shift k, sum x^2 = q - 2 shift sp + shift^2 k.
  const group = (g: number, shift: number): [mean: number, varianceOfMean: number] => {
    const n = sums[g] as number;
    const k = sums[g + 1] as number;
    const sum = (sums[g + 2] as number) - shift * k;
    const squares = (sums[g + 4] as number) - 2 * shift * (sums[g + 3] as number) + shift * shift * k;
    const mean = sum / n;
    return [mean, Math.max(squares - sum * mean, 0) / (n - 1) / n];
  };
  const statistics = (shift: number) => {
    for (let a = 0; a < count; a++) {
      const [m1, v1] = group(a * 10, shift);
      const [m0, v0] = group(a * 10 + 5, shift);
      const se = Math.sqrt(v1 + v0);
      const difference = m1 - m0;
      ts[a] = se > 0 ? difference / se : difference === 0 ? 0 : difference * Number.POSITIVE_INFINITY;
    }
    return ts;
  };
  // The real assignment is one of the re-assignments (it is in the exact set, and is added to a sample).
  const rank = (statistic: Float64Array, score: (t: number) => number) => {
    const observed = score(statistic[0] as number);
    const bar = Number.isFinite(observed) ? observed - TIE * Math.abs(observed) : observed;
    let atLeast = 0;
    for (const t of statistic) if (score(t) >= bar) atLeast++;
    return atLeast / count;
  };
  return {
    pValue: (shift = 0) => rank(statistics(shift), Math.abs),
    oneSidedPValue: (direction, shift = 0) => rank(statistics(shift), (t) => direction * t),
  };
}

/** Two-sided p-value of "the pilot teams' effect is `shift`" (pilot values at indexes 0..treated-1). */
export function permutationPValue(
  values: readonly number[],
  treated: number,
  design: PermutationDesign,
  shift = 0,
): number {
  return permutationTest(values, treated, design).pValue(shift);
}

/**
 * The set of shifts with p > alpha, found by bisection on each side of the point estimate (the p-value
 * falls away from the estimate), to a thousandth of `scale` (a standard error). `scale` sets the first bracket;
 * it widens until a shift is rejected.
 * Undefined when even the estimate is rejected or no shift is (too few assignments to reject at alpha).
 */
export function invertTest(
  test: PermutationTest,
  estimate: number,
  scale: number,
  alpha: number,
): [number, number] | undefined {
  const accepted = (shift: number) => test.pValue(shift) > alpha;
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
    for (let i = 0; i < 40 && Math.abs(outside - inside) > scale * 1e-3; i++) {
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
