import type { TableClient } from "@azure/data-tables";
import { parseTeam, type Team } from "../domain/index.js";
import { EntityStore, filters, type Page, type PageOptions, TableTransaction, type Versioned } from "./entity-store.js";
import { noPlanChanges, type PlanChanges, tellPlanner } from "./planning-repository.js";
import { ConcurrencyError } from "./storage-errors.js";
import { keys, prefixEnd, tenantPartition } from "./table-keys.js";

export interface PersonTeam {
  tenantId: string;
  objectId: string;
  teamId: string;
  role: "manager" | "member";
}

/**
 * A team is one row (manager and members inside it) plus one index row per person, so "which teams does
 * this person manage or belong to" is a single range read. All rows share the tenant's partition, so a
 * save writes the team and its index in one transaction.
 */
export class TeamRepository {
  private readonly teams: EntityStore<Team>;
  private readonly index: EntityStore<PersonTeam>;

  constructor(
    client: TableClient,
    private readonly changes: PlanChanges = noPlanChanges,
  ) {
    this.teams = new EntityStore(client, { what: "team", keyOf: (t) => keys.team(t.tenantId, t.id) });
    this.index = new EntityStore(client, {
      what: "team membership",
      keyOf: (p) => keys.personTeam(p.tenantId, p.objectId, p.teamId),
      columns: (p) => ({ role: p.role }),
    });
  }

  async get(tenantId: string, teamId: string): Promise<Versioned<Team> | undefined> {
    const { partitionKey, rowKey } = keys.team(tenantId, teamId);
    return this.teams.get(partitionKey, rowKey);
  }

  /**
   * Creates the team (no etag) or replaces it if unchanged since `etag`. The team row leads the first
   * transaction, so a stale etag or an existing id writes nothing. Teams with more than ~98 people
   * need more than one transaction: later ones only add or remove index rows and converge on a retry.
   */
  async save(input: unknown, etag?: string): Promise<Versioned<Team>> {
    const team = parseTeam(input);
    const previous = etag ? await this.get(team.tenantId, team.id) : undefined;
    if (etag && previous?.etag !== etag) throw new ConcurrencyError("team");

    const people = membershipsOf(team);
    const current = new Set(people.map((p) => p.objectId));
    const removed = previous ? membershipsOf(previous.value).filter((p) => !current.has(p.objectId)) : [];

    const operations: ((t: TableTransaction) => void)[] = [
      (t) =>
        etag ? t.updateEntity(this.teams.entity(team), "Replace", { etag }) : t.createEntity(this.teams.entity(team)),
      ...people.map((p) => (t: TableTransaction) => t.upsertEntity(this.index.entity(p), "Replace")),
      ...removed.map((p) => (t: TableTransaction) => {
        const key = keys.personTeam(p.tenantId, p.objectId, p.teamId);
        t.deleteEntity(key.partitionKey, key.rowKey);
      }),
    ];
    for (let i = 0; i < operations.length; i += 100) {
      const transaction = new TableTransaction();
      for (const add of operations.slice(i, i + 100)) add(transaction);
      await this.teams.submit(transaction);
    }
    const saved = await this.get(team.tenantId, team.id);
    await tellPlanner(() => this.changes.changed(team.tenantId, "team", team.id));
    return { value: team, etag: saved?.etag ?? "" };
  }

  async list(tenantId: string, options: PageOptions = {}): Promise<Page<Versioned<Team>>> {
    const from = keys.teamRowPrefix;
    return this.teams.page(filters.rowRange(tenantPartition(tenantId), from, prefixEnd(from)), options);
  }

  /** The teams a person manages or belongs to in this tenant. */
  async teamsOf(tenantId: string, objectId: string): Promise<PersonTeam[]> {
    const from = keys.personRowPrefix(objectId);
    const memberships: PersonTeam[] = [];
    for await (const row of this.index.each(filters.rowRange(tenantPartition(tenantId), from, prefixEnd(from)))) {
      memberships.push(row.value);
    }
    return memberships;
  }
}

function membershipsOf(team: Team): PersonTeam[] {
  const base = { tenantId: team.tenantId, teamId: team.id };
  return [
    { ...base, objectId: team.manager.objectId, role: "manager" as const },
    ...team.members.map((m) => ({ ...base, objectId: m.objectId, role: "member" as const })),
  ];
}
