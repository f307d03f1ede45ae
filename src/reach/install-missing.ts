import type { TenantRateLimiter } from "../delivery/index.js";
import { type Directory, GraphError } from "../graph/index.js";
import type { Logger } from "../logger.js";
import type { Storage } from "../storage/index.js";
import { type InstallRecord, readInstall, writeInstall } from "./install-record.js";
import { participantsOf } from "./participants.js";

export interface InstallDeps {
  storage: Pick<Storage, "programs" | "teams" | "conversations" | "coordination">;
  directory: Directory;
  /** The tenant's Teams request budget, shared with the delivery workers and card updates. */
  teamsRequests: Pick<TenantRateLimiter, "reserve">;
  /** The Teams app's manifest id, its external id in the org catalogue. */
  manifestId: string;
  now: () => Date;
  logger?: Pick<Logger, "info" | "warn">;
}

export interface InstallPass {
  tried: number;
  installed: number;
  failed: number;
  /** The org catalogue has no app with the manifest id: nothing can be installed until an admin publishes it. */
  catalogueMissing: boolean;
}

/** Teams' install event normally follows within seconds; past this an install is tried again. */
export const INSTALL_CONFIRM_MS = 15 * 60_000;
/** Tries before an install Teams never confirms is reported as failed. */
const MAX_UNCONFIRMED = 4;
const HOUR = 3_600_000;

export const CATALOGUE_MISSING =
  "the Throughline app is not in your organisation's Teams app catalogue: upload it in the Teams admin center (Manage apps), then it is installed for people automatically";

/**
 * Installs the app, through Graph, for everyone an active program sends to who has no conversation with the
 * bot: Teams then sends the bot its install event, which stores the conversation. People who removed the app
 * have a conversation row (marked unreachable) and are never installed again against their choice. Each
 * install takes a slot of the tenant's Teams budget; failures back off (hours when an admin must act).
 */
export async function installMissing(deps: InstallDeps, tenantId: string): Promise<InstallPass> {
  const result: InstallPass = { tried: 0, installed: 0, failed: 0, catalogueMissing: false };
  const due = [];
  for (const participant of await participantsOf(deps.storage, tenantId)) {
    const objectId = participant.person.objectId.toLowerCase();
    if (await deps.storage.conversations.get(tenantId, objectId)) continue;
    const record = await readInstall(deps.storage, tenantId, objectId);
    if (record && !isDue(record.value, deps.now())) continue;
    due.push({ objectId, record });
  }
  if (due.length === 0) return result;

  let catalogueId: string | undefined;
  try {
    catalogueId = await deps.directory.catalogueAppId(tenantId, deps.manifestId);
  } catch (error) {
    const reason = graphReason(error, "AppCatalog.Read.All");
    deps.logger?.warn({ tenantId, reason }, "reach: the app catalogue could not be read");
    for (const { objectId, record } of due) await fail(deps, tenantId, objectId, record?.value, reason, backoff(error));
    return { ...result, failed: due.length };
  }
  if (!catalogueId) {
    deps.logger?.warn({ tenantId, manifestId: deps.manifestId }, "reach: the app is not in the org catalogue");
    for (const { objectId, record } of due)
      await fail(deps, tenantId, objectId, record?.value, CATALOGUE_MISSING, HOUR);
    return { ...result, failed: due.length, catalogueMissing: true };
  }

  const refusals = new Set<string>();
  for (const { objectId, record } of due) {
    result.tried++;
    const attempts = (record?.value.attempts ?? 0) + 1;
    if (record?.value.state === "installing" && attempts > MAX_UNCONFIRMED) {
      await fail(
        deps,
        tenantId,
        objectId,
        record.value,
        "installed, but Teams has not confirmed it: ask the person to open Throughline in Teams once",
        24 * HOUR,
      );
      result.failed++;
      continue;
    }
    await takeTeamsSlot(deps.teamsRequests, tenantId);
    try {
      await deps.directory.installForUser(tenantId, objectId, catalogueId);
      const now = deps.now().toISOString();
      await writeInstall(
        deps.storage,
        tenantId,
        objectId,
        { state: "installing", attempts, lastTriedAt: now, nextTryAt: null, reason: null },
        record,
      );
      result.installed++;
    } catch (error) {
      const reason = graphReason(error, "TeamsAppInstallation.ReadWriteSelfForUser.All");
      refusals.add(reason);
      await fail(deps, tenantId, objectId, record?.value, reason, backoff(error, attempts), attempts);
      result.failed++;
    }
  }
  // One line per tenant and reason, not one per person: a missing consent must not flood the log.
  for (const reason of refusals) deps.logger?.warn({ tenantId, reason }, "reach: installs failed");
  if (result.installed > 0)
    deps.logger?.info({ tenantId, installed: result.installed }, "reach: app installed for people");
  return result;
}

function isDue(record: InstallRecord, now: Date): boolean {
  if (record.state === "failed") return record.nextTryAt !== null && Date.parse(record.nextTryAt) <= now.getTime();
  return Date.parse(record.lastTriedAt) + INSTALL_CONFIRM_MS <= now.getTime();
}

async function fail(
  deps: InstallDeps,
  tenantId: string,
  objectId: string,
  previous: InstallRecord | undefined,
  reason: string,
  retryInMs: number,
  attempts = (previous?.attempts ?? 0) + 1,
): Promise<void> {
  const now = deps.now();
  const read = await readInstall(deps.storage, tenantId, objectId);
  await writeInstall(
    deps.storage,
    tenantId,
    objectId,
    {
      state: "failed",
      attempts,
      lastTriedAt: now.toISOString(),
      nextTryAt: new Date(now.getTime() + retryInMs).toISOString(),
      reason,
    },
    read,
  );
}

/** Hours when only an admin can fix it (permission, consent, catalogue); minutes, growing, otherwise. */
function backoff(error: unknown, attempts = 1): number {
  if (error instanceof GraphError && (error.refused || error.status === 404)) return 6 * HOUR;
  return Math.min(HOUR, 60_000 * 2 ** Math.min(attempts, 6));
}

function graphReason(error: unknown, permission: string): string {
  if (!(error instanceof GraphError)) return `install failed: ${(error as Error).message ?? String(error)}`;
  if (error.refused)
    return `Microsoft Graph refused (${error.status} ${error.code}): grant the application permission ${permission} and admin consent`;
  if (error.status === 404) return `not found in the directory (${error.code})`;
  return `Microsoft Graph answered ${error.status} ${error.code}; trying again later`;
}

async function takeTeamsSlot(limiter: Pick<TenantRateLimiter, "reserve">, tenantId: string): Promise<void> {
  for (;;) {
    const slot = await limiter.reserve(tenantId, 10_000);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, slot.waitMs)));
    if (slot.reserved) return;
  }
}
