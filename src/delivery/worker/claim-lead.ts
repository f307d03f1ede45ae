/**
 * How long before its rate slot a delivery's claim is written, learnt from how long claims and timer wakes
 * have lately taken. A claim that ends more than the limiter's grace after its slot wastes the slot (it is
 * not spent late, so as not to bunch sends), so the lead must cover the slow claims, not the typical one.
 *
 * Two estimates, the larger wins:
 * - the running mean and deviation of claims and wakes (as TCP estimates round trips), for steady latency;
 * - the slowest claim of the last while, fading by half every `peakHalfLifeMs`, for stalls. Storage stalls
 *   come in bursts a running mean smooths away (a garbage collection in the storage process, a large
 *   receive): at 100,000 recipients 1,291 of 101,000 claims missed their slot with the mean alone.
 *
 * A longer lead costs little: the claim is held a moment longer before its send (a crash in that moment
 * leaves a claim that a takeover flags as a possible duplicate), and slots are booked at most the limiter's
 * horizon ahead, so a lead longer than that only claims at once.
 */
export interface ClaimLeadOptions {
  /** Never less: at 100 ms, 131 of 10,000 claims missed their slot on a quiet machine; at 400 ms, 26. */
  minMs?: number;
  /** Never more: a stall longer than this and the grace is rare enough to cost its slots. */
  maxMs?: number;
  peakHalfLifeMs?: number;
}

interface Estimate {
  mean: number;
  deviation: number;
}

export class ClaimLead {
  private claim: Estimate = { mean: 20, deviation: 10 };
  private wake: Estimate = { mean: 0, deviation: 5 };
  private peak = { ms: 0, at: 0 };
  private readonly minMs: number;
  private readonly maxMs: number;
  private readonly halfLifeMs: number;

  constructor(options: ClaimLeadOptions = {}) {
    this.minMs = options.minMs ?? 400;
    this.maxMs = options.maxMs ?? 2_500;
    this.halfLifeMs = options.peakHalfLifeMs ?? 30_000;
  }

  /** A claim write took `ms`, ending at `now`. */
  claimTook(ms: number, now: number): void {
    this.claim = learn(this.claim, ms);
    if (ms >= this.peakAt(now)) this.peak = { ms, at: now };
  }

  /** A timer meant to wake at a time woke `ms` late. */
  wokeLate(ms: number): void {
    this.wake = learn(this.wake, Math.max(0, ms));
  }

  /** The lead at `now`, in ms. */
  at(now: number): number {
    const { claim, wake } = this;
    const steady = claim.mean + 4 * claim.deviation + wake.mean + 4 * wake.deviation;
    const stalls = this.peakAt(now) + wake.mean + wake.deviation;
    return Math.round(Math.min(this.maxMs, Math.max(this.minMs, steady, stalls)));
  }

  private peakAt(now: number): number {
    return this.peak.ms * 0.5 ** (Math.max(0, now - this.peak.at) / this.halfLifeMs);
  }
}

function learn(estimate: Estimate, sample: number): Estimate {
  const { mean, deviation } = estimate;
  return { mean: mean + (sample - mean) / 8, deviation: deviation + (Math.abs(sample - mean) - deviation) / 8 };
}
