/** Teams' limits for one conversation: at most `max` messages in any `ms` window. */
export const conversationWindows: readonly [ms: number, max: number][] = [
  [1_000, 7],
  [2_000, 8],
  [30_000, 60],
  [3_600_000, 1_800],
];

/**
 * Sliding windows per conversation in this instance. A person's deliveries are a few a day, so these
 * limits bind only for card updates in bursts; a 429 from Teams (Retry-After) is the shared backstop.
 */
export class ConversationLimiter {
  private readonly sent = new Map<string, number[]>();
  private readonly blockedUntil = new Map<string, number>();
  private lastSweep = 0;

  constructor(private readonly windows: readonly [number, number][] = conversationWindows) {}

  /** 0 and the send is counted, or the milliseconds to wait before trying again. */
  take(conversationId: string, now = Date.now()): number {
    const wait = this.wait(conversationId, now);
    if (wait > 0) return wait;
    const times = this.sent.get(conversationId) ?? [];
    times.push(now);
    this.sent.set(conversationId, times);
    return 0;
  }

  /** 0 if a send could go now, or the milliseconds until one could; counts nothing. */
  wait(conversationId: string, now = Date.now()): number {
    this.sweep(now);
    const blocked = (this.blockedUntil.get(conversationId) ?? 0) - now;
    if (blocked > 0) return blocked;
    const times = this.sent.get(conversationId) ?? [];
    let wait = 0;
    for (const [ms, max] of this.windows) {
      const inWindow = times.filter((t) => now - t < ms);
      if (inWindow.length >= max) wait = Math.max(wait, (inWindow[inWindow.length - max] ?? now) + ms - now);
    }
    return wait;
  }

  /** Teams said wait (429 Retry-After): nothing goes to this conversation before then. */
  holdOff(conversationId: string, ms: number, now = Date.now()): void {
    this.blockedUntil.set(conversationId, Math.max(this.blockedUntil.get(conversationId) ?? 0, now + ms));
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    const longest = Math.max(...this.windows.map(([ms]) => ms));
    for (const [id, times] of this.sent) {
      const kept = times.filter((t) => now - t < longest);
      if (kept.length === 0) this.sent.delete(id);
      else this.sent.set(id, kept);
    }
    for (const [id, until] of this.blockedUntil) if (until <= now) this.blockedUntil.delete(id);
  }
}
