/**
 * Every table name and key convention lives here, so that isolation and sort order can be checked in one
 * place. The tenant id leads every partition key: a repository builds keys only through these functions,
 * so no method can reach another tenant's rows.
 */

/**
 * Table names: letters and digits only, 3–63 characters, starting with a letter. Deliveries and conversations
 * (rows per person) are not here: they are spread over numbered tables, see `personTableNames`.
 */
export const tableNames = {
  tenants: "tenants",
  programs: "programs",
  kpis: "kpis",
  kpiValues: "kpivalues",
  teams: "teams",
  assets: "assets",
  observations: "observations",
  challengeCompletions: "challengecompletions",
  nudgeResponses: "nudgeresponses",
  skillsCheckResults: "skillscheckresults",
  meta: "meta",
  apiKeys: "apikeys",
  rollups: "rollups",
  coordination: "coordination",
  planChanges: "planchanges",
  xapiStatements: "xapistatements",
  audit: "audit",
} as const;

export type TableName = (typeof tableNames)[keyof typeof tableNames];

/**
 * The tables with a row (or several) per person, each spread over PERSON_TABLE_SHARDS tables by the person:
 * `deliveries00` … `deliveries15`. Table Storage scales by partition, so on Azure this changes nothing; the
 * local store (Azurite) keeps a table as one in-memory collection whose every write and query page costs in
 * proportion to the table's rows, and a campaign of 100,000 people writes these rows twice per card.
 */
export const personTableNames = {
  deliveries: "deliveries",
  conversations: "conversations",
} as const;

export const PERSON_TABLE_SHARDS = 16;

/** The table of a person's rows: one of the shards, by the same hash as the delivery bucket. */
export function personTableShard(objectId: string): number {
  return personHash(objectId) % PERSON_TABLE_SHARDS;
}

export function personTableName(base: string, shard: number): string {
  return `${base}${String(shard).padStart(2, "0")}`;
}

/** Every table the app keeps, shards included, and the kind of rows each holds ("deliveries07" → "deliveries"). */
const tableKinds: ReadonlyMap<string, string> = new Map([
  ...Object.values(tableNames).map((name) => [name, name] as const),
  ...Object.values(personTableNames).flatMap((base) =>
    Array.from({ length: PERSON_TABLE_SHARDS }, (_, i) => [personTableName(base, i), base] as const),
  ),
]);

/** What a table holds: its name, or for a table shard the name of its kind. */
export function tableKind(name: string): string {
  return tableKinds.get(name) ?? name;
}

/** Every table the app keeps, shards included: for creating them and for the rare reads of all a tenant's rows. */
export function everyTableName(): string[] {
  return [...tableKinds.keys()];
}

export const queueNames = {
  deliveries: "deliveries",
  xapi: "xapi",
} as const;

const SEP = "|";

/**
 * The column a record row keeps beside its value: the tag of the rollup intent written with it, so the intent
 * can tell its own record from one written by another (earlier) write with the same key.
 */
export const INTENT_TAG_COLUMN = "intentTag";

/** Keys may not hold / \ # ? or control characters; our ids never do, but a key built from input must not. */
function part(value: string): string {
  if (value.length === 0 || /[/\\#?|]/.test(value) || hasControlCharacter(value)) {
    throw new Error(`unsafe key part: ${JSON.stringify(value)}`);
  }
  return value;
}

export function tenantPartition(tenantId: string): string {
  return part(tenantId.toLowerCase());
}

export function tenantScopedPartition(tenantId: string, scope: string): string {
  return `${tenantPartition(tenantId)}${SEP}${part(scope)}`;
}

/** Bounds that select every partition of one tenant in a tenant-scoped table (and nothing else). */
export function tenantPartitionRange(tenantId: string): { from: string; to: string } {
  const prefix = `${tenantPartition(tenantId)}${SEP}`;
  // "}" is the character after "|", so [prefix, to) holds exactly the keys that start with the prefix.
  return { from: prefix, to: `${tenantPartition(tenantId)}}` };
}

export function hasControlCharacter(value: string): boolean {
  for (const char of value) {
    const code = char.charCodeAt(0);
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return true;
  }
  return false;
}

const MAX_MS = 9_999_999_999_999;

/** Row keys that sort newest first: smaller for later instants, fixed width so text order is time order. */
export function newestFirst(at: Date | string): string {
  const ms = typeof at === "string" ? Date.parse(at) : at.getTime();
  return String(MAX_MS - ms).padStart(13, "0");
}

function deliveryPartition(tenantId: string, recipientObjectId: string): string {
  return tenantScopedPartition(tenantId, `d${deliveryBucket(recipientObjectId)}`);
}

function deliveryRowPrefix(recipientObjectId: string): string {
  return `${part(recipientObjectId.toLowerCase())}${SEP}`;
}

export const keys = {
  tenant: (tenantId: string) => ({ partitionKey: tenantPartition(tenantId), rowKey: "tenant" }),
  program: (tenantId: string, programId: string) => ({
    partitionKey: tenantPartition(tenantId),
    rowKey: part(programId),
  }),
  kpi: (tenantId: string, kpiId: string) => ({ partitionKey: tenantPartition(tenantId), rowKey: part(kpiId) }),
  /** One partition per KPI; rows by team then date, so a team's series reads in date order. */
  kpiValue: (tenantId: string, kpiId: string, teamId: string | null, date: string) => ({
    partitionKey: tenantScopedPartition(tenantId, kpiId),
    rowKey: `${kpiValueSeries(teamId)}${SEP}${part(date)}`,
  }),
  kpiValuePartition: (tenantId: string, kpiId: string) => tenantScopedPartition(tenantId, kpiId),
  team: (tenantId: string, teamId: string) => ({
    partitionKey: tenantPartition(tenantId),
    rowKey: `team${SEP}${part(teamId)}`,
  }),
  teamRowPrefix: `team${SEP}`,
  /** Index row: which teams a person manages or belongs to. Same partition as the team, so one batch writes both. */
  personTeam: (tenantId: string, objectId: string, teamId: string) => ({
    partitionKey: tenantPartition(tenantId),
    rowKey: `person${SEP}${part(objectId.toLowerCase())}${SEP}${part(teamId)}`,
  }),
  personRowPrefix: (objectId: string) => `person${SEP}${part(objectId.toLowerCase())}${SEP}`,
  asset: (tenantId: string, programId: string, assetId: string) => ({
    partitionKey: tenantScopedPartition(tenantId, programId),
    rowKey: part(assetId),
  }),
  assetPartition: (tenantId: string, programId: string) => tenantScopedPartition(tenantId, programId),
  /**
   * A tenant's deliveries spread over DELIVERY_BUCKETS partitions by recipient, rows by recipient then delivery
   * id. Delivery ids start with the slot, so a person's rows are one range in time order; and a planning tick
   * writes a hundred people's rows of one bucket in one transaction instead of one call each.
   */
  delivery: (tenantId: string, recipientObjectId: string, deliveryId: string) => ({
    partitionKey: deliveryPartition(tenantId, recipientObjectId),
    rowKey: `${deliveryRowPrefix(recipientObjectId)}${part(deliveryId)}`,
  }),
  deliveryPartition,
  deliveryRowPrefix,
  /** A team's observations, newest first. */
  observation: (tenantId: string, teamId: string, observedAt: string, observationId: string) => ({
    partitionKey: tenantScopedPartition(tenantId, teamId),
    rowKey: `${newestFirst(observedAt)}${SEP}${part(observationId)}`,
  }),
  observationPartition: (tenantId: string, teamId: string) => tenantScopedPartition(tenantId, teamId),
  /** One record per delivery: a replayed submit hits the same key and is refused. */
  personRecord: (tenantId: string, objectId: string, recordKey: string) => ({
    partitionKey: tenantScopedPartition(tenantId, objectId.toLowerCase()),
    rowKey: part(recordKey),
  }),
  personRecordPartition: (tenantId: string, objectId: string) =>
    tenantScopedPartition(tenantId, objectId.toLowerCase()),
  /** One row per person; the tenant's partition holds all its people (thousands, not millions). */
  conversation: (tenantId: string, objectId: string) => ({
    partitionKey: tenantPartition(tenantId),
    rowKey: part(objectId.toLowerCase()),
  }),
  meta: (tenantId: string, name: string) => ({ partitionKey: tenantPartition(tenantId), rowKey: part(name) }),
  /** A tenant's API keys by key id; the key id travels inside the key, so authenticating is one point read. */
  apiKey: (tenantId: string, keyId: string) => ({ partitionKey: tenantPartition(tenantId), rowKey: part(keyId) }),
  /** Pre-computed figures of one scope (a program, a KPI); row keys chosen by src/measure/rollups. */
  rollup: (tenantId: string, scope: string, rowKey: string) => ({
    partitionKey: tenantScopedPartition(tenantId, scope),
    rowKey: part(rowKey),
  }),
  rollupPartition: (tenantId: string, scope: string) => tenantScopedPartition(tenantId, scope),
  /** Rows instances coordinate through (rate buckets, leases). A tenant's rows lead with the tenant. */
  tenantCoordination: (tenantId: string, name: string) => ({
    partitionKey: tenantPartition(tenantId),
    rowKey: part(name),
  }),
  /** App-wide rows; "_app" cannot collide with a tenant id (a GUID). */
  appCoordination: (name: string) => ({ partitionKey: "_app", rowKey: part(name) }),
  /** A tenant's audit entries, newest first. */
  audit: (tenantId: string, at: string, id: string) => ({
    partitionKey: tenantPartition(tenantId),
    rowKey: `${newestFirst(at)}${SEP}${part(id)}`,
  }),
  /** The delivery planner's row per enrolled tenant, all in one partition so one query lists them. */
  tenantPlan: (tenantId: string) => ({ partitionKey: "_planner-tenants", rowKey: tenantPartition(tenantId) }),
  /** A running planner instance's heartbeat. */
  plannerInstance: (instanceId: string) => ({ partitionKey: "_planner-instances", rowKey: part(instanceId) }),
  /**
   * A change the planner depends on: one row per change, led by its mark (when it was made, then a random part),
   * so the planner reads the changes since a point as one row range and old ones are cleared as another.
   */
  planChange: (tenantId: string, kind: string, id: string, mark: string) => ({
    partitionKey: tenantScopedPartition(tenantId, "plan-changes"),
    rowKey: `${part(mark)}${SEP}${part(kind)}${SEP}${part(id.toLowerCase())}`,
  }),
  planChangePartition: (tenantId: string) => tenantScopedPartition(tenantId, "plan-changes"),
  /** A tenant's xAPI statements by time, so an export for a date range is one row-key range. */
  xapiStatement: (tenantId: string, timestamp: string, statementId: string) => ({
    partitionKey: tenantPartition(tenantId),
    rowKey: `${part(timestamp)}${SEP}${part(statementId)}`,
  }),
} as const;

/**
 * Partitions a tenant's deliveries are spread over. Enough that no partition is hot (a campaign's sends touch
 * each bucket at a 64th of the tenant's rate), few enough that a tick planning a few thousand people still
 * fills transactions of a hundred rows.
 */
export const DELIVERY_BUCKETS = 64;

/** A recipient's bucket: two hex digits. A bucket's rows are all in one table shard (64 is a multiple of 16). */
export function deliveryBucket(recipientObjectId: string): string {
  return (personHash(recipientObjectId) % DELIVERY_BUCKETS).toString(16).padStart(2, "0");
}

/** FNV-1a of the lower-cased id. Every instance must agree. */
function personHash(objectId: string): number {
  let hash = 0x811c9dc5;
  for (const char of objectId.toLowerCase()) {
    hash ^= char.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** Organisation-wide values have no team; "_org" cannot collide with a team id (ids start with a letter or digit). */
function kpiValueSeries(teamId: string | null): string {
  return teamId === null ? "_org" : part(teamId);
}

export function kpiValueSeriesPrefix(teamId: string | null): string {
  return `${kpiValueSeries(teamId)}${SEP}`;
}

/** The smallest string greater than every string that starts with `prefix`. */
export function prefixEnd(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}
