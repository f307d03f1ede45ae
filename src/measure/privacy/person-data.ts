import type { TableEntityResult } from "@azure/data-tables";
import { DomainRuleError } from "../../domain/index.js";
import { changeTenantAdmins } from "../../onboarding/index.js";
import {
  ConcurrencyError,
  everyTableName,
  filters,
  type Storage,
  type StorageAccount,
  tableKind,
  tableNames,
  tenantPartition,
  tenantPartitionRange,
} from "../../storage/index.js";
import { INTENT_PREFIX, rebuildRollups } from "../rollups/index.js";

type Row = TableEntityResult<Record<string, unknown>> & { partitionKey: string; rowKey: string };

/**
 * Every row of the tenant, in every table, that mentions the person's object id anywhere (keys, columns or
 * the stored JSON). A full scan of the tenant's partitions: erasure and export are rare admin actions, and
 * scanning is the only way to be sure nothing is missed as tables are added.
 */
async function* rowsMentioning(account: StorageAccount, tenantId: string, objectId: string) {
  const id = objectId.toLowerCase();
  const own = tenantPartition(tenantId);
  const { from, to } = tenantPartitionRange(tenantId);
  for (const table of everyTableName()) {
    const client = account.table(table);
    for (const filter of [filters.partition(own), filters.partitionRange(from, to)]) {
      for await (const page of client.listEntities<Record<string, unknown>>({ queryOptions: { filter } }).byPage({
        maxPageSize: 1000,
      })) {
        for (const row of page) if (JSON.stringify(row).toLowerCase().includes(id)) yield { table, row: row as Row };
      }
    }
  }
}

function storedValue(row: Row): unknown {
  const chunks = Number(row.chunks ?? 0);
  if (chunks === 0) return row;
  let json = "";
  for (let i = 0; i < chunks; i++) json += String(row[`d${i}`] ?? "");
  return JSON.parse(json);
}

/** Everything stored about or by one person in a tenant, by table: what a subject access request returns. */
export async function exportPersonData(
  account: StorageAccount,
  tenantId: string,
  objectId: string,
): Promise<Record<string, unknown[]>> {
  const result: Record<string, unknown[]> = {};
  for await (const { table, row } of rowsMentioning(account, tenantId, objectId)) {
    const kind = tableKind(table);
    result[kind] ??= [];
    result[kind].push(storedValue(row));
  }
  return result;
}

/**
 * Erases one person from a tenant: removes them from the teams they belong to, deletes every other row that
 * mentions them (their answers, deliveries, conversation, observations by or about them), then rebuilds the
 * rollups of every program from what is left, so no count or list still carries them. A team's manager
 * cannot be erased until the team has another manager (a team needs one). Messages already queued for
 * delivery are not searched; they expire or fail on the deleted delivery rows.
 */
export async function erasePersonData(
  storage: Storage,
  account: StorageAccount,
  tenantId: string,
  objectId: string,
): Promise<{ deleted: number; teamsLeft: string[] }> {
  const id = objectId.toLowerCase();
  const memberships = await storage.teams.teamsOf(tenantId, id);
  const managed = memberships.filter((m) => m.role === "manager").map((m) => m.teamId);
  if (managed.length > 0)
    throw new DomainRuleError([`person manages ${managed.join(", ")}: assign another manager before erasing`]);

  const teamsLeft: string[] = [];
  for (const { teamId } of memberships) {
    for (let attempt = 0; attempt < 5; attempt++) {
      const team = await storage.teams.get(tenantId, teamId);
      if (!team) break;
      try {
        await storage.teams.save(
          { ...team.value, members: team.value.members.filter((m) => m.objectId !== id) },
          team.etag,
        );
        teamsLeft.push(teamId);
        break;
      } catch (error) {
        if ((error as Error).name !== "ConcurrencyError" || attempt === 4) throw error;
      }
    }
  }

  let deleted = 0;
  const doomed: { table: string; partitionKey: string; rowKey: string }[] = [];
  for await (const { table, row } of rowsMentioning(account, tenantId, id)) {
    // Rollups are recomputed below rather than edited; only rollup work still waiting on their records goes.
    if (table === tableNames.rollups && !row.rowKey.startsWith(INTENT_PREFIX)) continue;
    // Rows shared with others keep their other content: only the person's id goes from them.
    if (table === tableNames.tenants) {
      await changeTenantAdmins(storage, tenantId, { remove: id });
      continue;
    }
    if (table === tableNames.programs) {
      await withoutPerson(
        () => storage.programs.get(tenantId, row.rowKey),
        (p) => ({
          ...p,
          owners: p.owners.filter((o) => o !== id),
        }),
        (p, etag) => storage.programs.save(p, etag),
      );
      continue;
    }
    // A BI key keeps working when its creator leaves: only the creator's id goes.
    if (table === tableNames.apiKeys) {
      const key = await storage.apiKeys.get(tenantId, row.rowKey);
      if (key) await storage.apiKeys.replace({ ...key.value, createdBy: "erased" }, key.etag);
      continue;
    }
    doomed.push({ table, partitionKey: row.partitionKey, rowKey: row.rowKey });
  }
  for (const { table, partitionKey, rowKey } of doomed) {
    await account.table(table).deleteEntity(partitionKey, rowKey);
    deleted++;
  }

  let token: string | undefined;
  do {
    const page = await storage.programs.list(tenantId, { pageSize: 1000, continuationToken: token });
    for (const { value } of page.items) await rebuildRollups(storage, value);
    token = page.continuationToken;
  } while (token);
  // Review notes they wrote stay (they belong to the program); only their id goes.
  for await (const { table, row } of rowsMentioning(account, tenantId, id)) {
    if (table !== tableNames.rollups) continue;
    const stored = storedValue(row) as {
      tenantId: string;
      scope: string;
      rowKey: string;
      data: { updatedBy?: string };
    };
    if (stored.data.updatedBy?.toLowerCase() === id)
      await storage.rollups.overwrite({ ...stored, data: { ...stored.data, updatedBy: "erased" } });
  }
  return { deleted, teamsLeft };
}

/** Saves a shared row without the person, over the etag just read (read again when someone changed it). */
async function withoutPerson<T>(
  read: () => Promise<{ value: T; etag: string } | undefined>,
  change: (value: T) => T,
  save: (value: T, etag: string) => Promise<unknown>,
): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const found = await read();
    if (!found) return;
    try {
      await save(change(found.value), found.etag);
      return;
    } catch (error) {
      if (!(error instanceof ConcurrencyError) || attempt >= 4) throw error;
    }
  }
}
