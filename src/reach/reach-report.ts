import { mapWithConcurrency } from "../concurrency.js";
import type { Storage } from "../storage/index.js";
import { readInstall } from "./install-record.js";
import { participantsOf } from "./participants.js";

export const reachStatuses = [
  "reachable",
  "installing",
  "install-failed",
  "uninstalled",
  "paused",
  "not-installed",
] as const;
export type ReachStatus = (typeof reachStatuses)[number];

export interface PersonReach {
  objectId: string;
  displayName: string;
  teamId: string;
  teamName: string;
  role: "manager" | "member";
  status: ReachStatus;
  /** Why, in words an admin can act on ("removed the app on 3 Dec", "Microsoft Graph refused (403 …)"). */
  reason: string | null;
  /** Since when, or until when for a pause. */
  at: string | null;
}

export interface ReachReport {
  programId: string;
  counts: Record<ReachStatus, number>;
  people: PersonReach[];
}

/**
 * Whether the program's cards can reach each of its participants, and if not why: from the person's
 * conversation with the bot (reachable, paused, removed or refused) and, where there is none, from the
 * app installs Throughline made for them through Graph.
 */
export async function reachReport(
  storage: Pick<Storage, "programs" | "teams" | "conversations" | "coordination">,
  tenantId: string,
  programId: string,
  options: { now: Date; graphConfigured: boolean },
): Promise<ReachReport> {
  const participants = await participantsOf(storage, tenantId, programId);
  const people = await mapWithConcurrency(participants, 16, async (p): Promise<PersonReach> => {
    const objectId = p.person.objectId.toLowerCase();
    const base = {
      objectId,
      displayName: p.person.displayName,
      teamId: p.team.id,
      teamName: p.team.name,
      role: p.role,
    };
    const conversation = (await storage.conversations.get(tenantId, objectId))?.value;
    if (conversation) {
      if (!conversation.reachable)
        return { ...base, status: "uninstalled", reason: conversation.unreachableReason, at: conversation.updatedAt };
      if (conversation.pausedUntil && Date.parse(conversation.pausedUntil) > options.now.getTime())
        return { ...base, status: "paused", reason: "asked for a pause", at: conversation.pausedUntil };
      return { ...base, status: "reachable", reason: null, at: conversation.updatedAt };
    }
    const install = (await readInstall(storage, tenantId, objectId))?.value;
    if (install?.state === "failed")
      return { ...base, status: "install-failed", reason: install.reason, at: install.lastTriedAt };
    if (install) return { ...base, status: "installing", reason: null, at: install.lastTriedAt };
    return {
      ...base,
      status: "not-installed",
      reason: options.graphConfigured
        ? "not installed yet: the app is installed for participants of active programs"
        : "the bot has not been installed for this person; Microsoft Graph is not configured, so install it with a Teams app setup policy",
      at: null,
    };
  });
  const counts = Object.fromEntries(reachStatuses.map((s) => [s, 0])) as Record<ReachStatus, number>;
  for (const p of people) counts[p.status]++;
  people.sort((a, b) => a.teamName.localeCompare(b.teamName) || a.displayName.localeCompare(b.displayName));
  return { programId, counts, people };
}
