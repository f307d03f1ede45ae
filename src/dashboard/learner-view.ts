import type { Program } from "../domain/index.js";
import { type Storage, skillsCheckKey } from "../storage/index.js";
import { runningProgramsOfTeams } from "./programs-of.js";
import { DAY_MS, lastWeeks, readUpTo, weekStart } from "./reads.js";

export interface LearnerNudge {
  deliveryId: string;
  programId: string;
  title: string;
  prompt: string;
  slot: string;
  status: string;
  response: { text: string; confidence: number; at: string } | null;
}

export interface LearnerView {
  nudges: LearnerNudge[];
  /** Consecutive weeks, up to this one, with at least one practice response. */
  streakWeeks: number;
  practiceByWeek: { week: string; responses: number }[];
  prePost: {
    programId: string;
    programName: string;
    pre: { score: number; maxScore: number } | null;
    post: { score: number; maxScore: number } | null;
  }[];
  generatedAt: string;
}

const WEEKS = 12;

/** What a learner sees about themself: identity is the caller's, so nobody else's data is read. */
export async function learnerView(
  storage: Storage,
  tenantId: string,
  objectId: string,
  teamIds: readonly string[],
  now: Date,
): Promise<LearnerView> {
  const from = new Date(`${lastWeeks(now, WEEKS)[0]}T00:00:00Z`);
  const [programs, deliveries, responses] = await Promise.all([
    runningProgramsOfTeams(storage, tenantId, teamIds),
    readUpTo(
      (continuationToken) =>
        storage.deliveries.forRecipient(
          tenantId,
          objectId,
          { from, to: new Date(now.getTime() + 7 * DAY_MS) },
          { continuationToken },
        ),
      1_000,
    ),
    readUpTo((continuationToken) => storage.nudgeResponses.forPerson(tenantId, objectId, { continuationToken }), 1_000),
  ]);
  const assets = new Map(
    (await Promise.all(programs.map((p) => storage.assets.all(tenantId, p.id)))).flat().map((a) => [a.id, a]),
  );
  const responseOf = new Map(responses.items.map((r) => [r.deliveryId, r]));
  const nudges = deliveries.items
    .map((d) => d.value)
    .filter((d) => d.recipientRole === "learner" && assets.get(d.assetId)?.kind === "nudge")
    .reverse()
    .map((d) => {
      const asset = assets.get(d.assetId);
      const r = responseOf.get(d.id);
      return {
        deliveryId: d.id,
        programId: d.programId,
        title: asset?.title ?? d.assetId,
        prompt: asset?.kind === "nudge" ? asset.content.prompt : "",
        slot: d.slot,
        status: d.status,
        response: r ? { text: r.response, confidence: r.confidence, at: r.at } : null,
      };
    });
  const practiceByWeek = lastWeeks(now, WEEKS).map((week) => ({
    week,
    responses: responses.items.filter((r) => weekStart(new Date(r.at)) === week).length,
  }));
  return {
    nudges,
    streakWeeks: practiceStreak(practiceByWeek),
    practiceByWeek,
    // A program without a skills check (and no result) would only show an empty before/after: left out.
    prePost: (await Promise.all(programs.map((p) => prePostOf(storage, tenantId, objectId, p)))).filter(
      (r, i) =>
        r.pre !== null ||
        r.post !== null ||
        programs[i]?.schedule.entries.some((e) => assets.get(e.assetId)?.kind === "skills_check"),
    ),
    generatedAt: now.toISOString(),
  };
}

/** This week still counts as kept if last week was: the streak only breaks on a whole empty week. */
export function practiceStreak(weeks: { responses: number }[]): number {
  const list = [...weeks];
  if ((list.at(-1)?.responses ?? 0) === 0) list.pop();
  let count = 0;
  for (let i = list.length - 1; i >= 0 && (list[i]?.responses ?? 0) > 0; i--) count++;
  return count;
}

async function prePostOf(storage: Storage, tenantId: string, objectId: string, program: Program) {
  const [pre, post] = await Promise.all(
    (["pre", "post"] as const).map((phase) =>
      storage.skillsCheckResults.get(tenantId, objectId, skillsCheckKey(program.id, phase)),
    ),
  );
  const pick = (r: typeof pre) => (r ? { score: r.score, maxScore: r.maxScore } : null);
  return { programId: program.id, programName: program.name, pre: pick(pre), post: pick(post) };
}
