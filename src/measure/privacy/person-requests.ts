import { createHmac, randomUUID } from "node:crypto";
import type { AuditEntry, Page, Storage, XapiRecord } from "../../storage/index.js";
import { erasePersonData, exportPersonData } from "./person-data.js";

/** Who asks and when: the caller's object id (or "cli:<name>") and the clock of the request. */
export interface Requester {
  tenantId: string;
  requestedBy: string;
  now: Date;
  /** Keys the subject's hash in the audit entry (API_KEY_PEPPER): without it the hash proves nothing. */
  pepper: string;
}

/**
 * The person an audit entry is about, as a keyed hash: an erased person's id is held nowhere, yet "was this
 * person erased, and when?" is answered by computing the hash of their id again.
 */
export function subjectRef(pepper: string, tenantId: string, objectId: string): string {
  return createHmac("sha256", pepper)
    .update(`${tenantId.toLowerCase()}:${objectId.toLowerCase()}`)
    .digest("base64url")
    .slice(0, 32);
}

async function audit(
  storage: Pick<Storage, "audit">,
  requester: Requester,
  entry: Pick<AuditEntry, "action" | "subjectRef" | "outcome" | "detail">,
): Promise<string> {
  const id = randomUUID();
  await storage.audit.add({
    tenantId: requester.tenantId.toLowerCase(),
    id,
    at: requester.now.toISOString(),
    requestedBy: requester.requestedBy,
    ...entry,
  });
  return id;
}

/** Everything held about one person, by table, with the request audited. */
export async function exportPersonOnRequest(storage: Storage, requester: Requester, objectId: string) {
  const tables = await exportPersonData(storage.account, requester.tenantId, objectId);
  const rows = Object.values(tables).reduce((n, list) => n + list.length, 0);
  const auditId = await audit(storage, requester, {
    action: "person-export",
    subjectRef: subjectRef(requester.pepper, requester.tenantId, objectId),
    outcome: "done",
    detail: { rows },
  });
  return { objectId: objectId.toLowerCase(), exportedAt: requester.now.toISOString(), auditId, tables };
}

/**
 * Erases one person (see erasePersonData) with the request audited: the entry says who asked and when, and
 * names the person only by subjectRef. A refused erasure (DomainRuleError) writes nothing, its entry
 * included: the request log has it.
 */
export async function erasePersonOnRequest(storage: Storage, requester: Requester, objectId: string) {
  const result = await erasePersonData(storage, storage.account, requester.tenantId, objectId);
  const auditId = await audit(storage, requester, {
    action: "person-erasure",
    subjectRef: subjectRef(requester.pepper, requester.tenantId, objectId),
    outcome: "done",
    detail: { deleted: result.deleted, teamsLeft: result.teamsLeft.length },
  });
  return { ...result, erasedAt: requester.now.toISOString(), auditId };
}

/**
 * A page of a tenant's xAPI statements with from ≤ timestamp < to (oldest first), the export audited once,
 * on its first page.
 */
export async function exportStatementsOnRequest(
  storage: Pick<Storage, "xapiStatements" | "audit">,
  requester: Requester,
  range: { from: Date; to: Date; pageSize?: number; continuationToken?: string },
): Promise<{ statements: XapiRecord["statement"][]; continuationToken: string | null }> {
  const page: Page<XapiRecord> = await storage.xapiStatements.between(
    requester.tenantId,
    range.from.toISOString(),
    range.to.toISOString(),
    { pageSize: range.pageSize ?? 1000, continuationToken: range.continuationToken },
  );
  if (!range.continuationToken)
    await audit(storage, requester, {
      action: "xapi-export",
      subjectRef: null,
      outcome: "done",
      detail: { from: range.from.toISOString(), to: range.to.toISOString() },
    });
  return { statements: page.items.map((r) => r.statement), continuationToken: page.continuationToken ?? null };
}
