import type { Logger } from "../../logger.js";
import type { Storage } from "../../storage/index.js";
import type { XapiStatement } from "./statements.js";

/** Where record functions hand statements; it never throws, so xAPI can never block the person. */
export interface XapiOutbox {
  emit(statements: readonly XapiStatement[]): Promise<void>;
}

/**
 * Keeps every statement (for export) and, when an LRS is configured, queues it for the sender. A storage
 * fault is logged and swallowed: the person's answer is already recorded, the statement can be re-derived.
 */
export function xapiOutbox(
  storage: Pick<Storage, "xapiStatements" | "xapiQueue">,
  options: { tenantId: string; lrsConfigured: boolean; logger?: Pick<Logger, "warn"> },
): XapiOutbox {
  return {
    async emit(statements) {
      for (const statement of statements) {
        try {
          const record = {
            tenantId: options.tenantId.toLowerCase(),
            statementId: statement.id,
            timestamp: statement.timestamp,
            statement,
            status: options.lrsConfigured ? ("queued" as const) : ("not-sent" as const),
            lastError: null,
          };
          await storage.xapiStatements.put(record);
          if (options.lrsConfigured)
            await storage.xapiQueue.send({
              tenantId: record.tenantId,
              timestamp: record.timestamp,
              statementId: record.statementId,
            });
        } catch (error) {
          options.logger?.warn({ err: error, statementId: statement.id }, "xAPI statement not kept; continuing");
        }
      }
    },
  };
}

/** Every statement of a tenant with from ≤ timestamp < to (ISO instants), oldest first. */
export async function exportStatements(
  storage: Pick<Storage, "xapiStatements">,
  tenantId: string,
  from: Date,
  to: Date,
): Promise<XapiStatement[]> {
  const statements: XapiStatement[] = [];
  let token: string | undefined;
  do {
    const page = await storage.xapiStatements.between(tenantId, from.toISOString(), to.toISOString(), {
      pageSize: 1000,
      continuationToken: token,
    });
    statements.push(...page.items.map((r) => r.statement as XapiStatement));
    token = page.continuationToken;
  } while (token);
  return statements;
}
