import { describe, expect, it } from "vitest";
import { ClaimLead } from "../../src/delivery/worker/claim-lead.js";

describe("ClaimLead", () => {
  it("starts at its minimum and stays there while claims are quick", () => {
    const lead = new ClaimLead({ minMs: 400 });
    expect(lead.at(0)).toBe(400);
    for (let t = 0; t < 1_000; t++) lead.claimTook(15 + (t % 10), t * 20);
    expect(lead.at(20_000)).toBe(400);
  });

  it("covers a stall at once: the next claims are written at least that long before their slot", () => {
    const lead = new ClaimLead({ minMs: 400 });
    for (let t = 0; t < 100; t++) lead.claimTook(20, t * 20);
    lead.claimTook(1_300, 2_000);
    expect(lead.at(2_000)).toBeGreaterThanOrEqual(1_300);
  });

  it("lets a stall fade by half every half-life, back to the steady estimate", () => {
    const lead = new ClaimLead({ minMs: 400, peakHalfLifeMs: 30_000 });
    lead.claimTook(2_000, 0);
    // Quick claims since: the running estimate settles at once; the stall fades by half in 30 s.
    for (let t = 1; t <= 300; t++) lead.claimTook(20, t * 100);
    const afterOne = lead.at(30_000);
    expect(afterOne).toBeGreaterThanOrEqual(1_000);
    expect(afterOne).toBeLessThan(1_100);
    expect(lead.at(300_000)).toBe(400);
  });

  it("a slower stall replaces a faded one; a quicker claim does not lower it", () => {
    const lead = new ClaimLead({ minMs: 100, peakHalfLifeMs: 10_000 });
    lead.claimTook(1_000, 0);
    lead.claimTook(600, 1_000);
    expect(lead.at(1_000)).toBeGreaterThanOrEqual(900);
    lead.claimTook(800, 20_000); // the first has faded to 250
    expect(lead.at(20_000)).toBeGreaterThanOrEqual(800);
  });

  it("adds how late this process's timers wake", () => {
    const quiet = new ClaimLead({ minMs: 0 });
    const busy = new ClaimLead({ minMs: 0 });
    for (let t = 0; t < 50; t++) {
      quiet.claimTook(20, t);
      busy.claimTook(20, t);
      busy.wokeLate(200);
    }
    expect(busy.at(50) - quiet.at(50)).toBeGreaterThanOrEqual(150);
  });

  it("never leads by more than its maximum", () => {
    const lead = new ClaimLead({ maxMs: 2_500 });
    lead.claimTook(60_000, 0);
    expect(lead.at(0)).toBe(2_500);
  });
});
