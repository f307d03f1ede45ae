import { createHash } from "node:crypto";

/** The demo tenant (Contoso); a fixed id so the README, the playground and tests can name it. */
export const DEMO_TENANT_ID = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";

/** A stable GUID-shaped Entra object id for a demo person, so reseeding yields the same ids. */
export function demoObjectId(name: string): string {
  const h = createHash("sha256").update(`throughline-demo:${name}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A small seeded PRNG (mulberry32): the demo data is plausible and the same on every machine. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
