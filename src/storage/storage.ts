import { mapWithConcurrency } from "../concurrency.js";
import { ApiKeyRepository } from "./api-key-repository.js";
import { AssetRepository } from "./asset-repository.js";
import { AuditRepository } from "./audit-repository.js";
import { ConversationRepository } from "./conversation-repository.js";
import { CoordinationRepository } from "./coordination-repository.js";
import type { DeliveryMessage } from "./delivery-message.js";
import { DeliveryRepository } from "./delivery-repository.js";
import { KpiRepository } from "./kpi-repository.js";
import { KpiValueRepository } from "./kpi-value-repository.js";
import { ObservationRepository } from "./observation-repository.js";
import {
  type ChallengeCompletionRepository,
  challengeCompletionRepository,
  type NudgeResponseRepository,
  nudgeResponseRepository,
  type SkillsCheckResultRepository,
  skillsCheckResultRepository,
} from "./person-record-repository.js";
import { PlanningRepository } from "./planning-repository.js";
import { ProgramRepository } from "./program-repository.js";
import { RollupRepository } from "./rollup-repository.js";
import { SeedMarkerRepository } from "./seed-marker-repository.js";
import { type MessageQueue, ShardedQueue } from "./sharded-queue.js";
import type { StorageAccount } from "./storage-account.js";
import {
  everyTableName,
  PERSON_TABLE_SHARDS,
  personTableName,
  personTableNames,
  queueNames,
  tableNames,
} from "./table-keys.js";
import { TeamRepository } from "./team-repository.js";
import { TenantRepository } from "./tenant-repository.js";
import { WorkQueue } from "./work-queue.js";
import { type XapiMessage, XapiStatementRepository } from "./xapi-statement-repository.js";

/** Every repository and queue of the app over one storage account. Stateless: safe in N instances. */
export interface Storage {
  tenants: TenantRepository;
  programs: ProgramRepository;
  kpis: KpiRepository;
  kpiValues: KpiValueRepository;
  teams: TeamRepository;
  assets: AssetRepository;
  deliveries: DeliveryRepository;
  observations: ObservationRepository;
  challengeCompletions: ChallengeCompletionRepository;
  nudgeResponses: NudgeResponseRepository;
  skillsCheckResults: SkillsCheckResultRepository;
  conversations: ConversationRepository;
  seedMarkers: SeedMarkerRepository;
  /** Small etag-guarded rows that instances coordinate through (rate buckets). */
  coordination: CoordinationRepository;
  /** The delivery planner's tenants, instances and change marks. */
  planning: PlanningRepository;
  deliveryQueue: MessageQueue<DeliveryMessage>;
  apiKeys: ApiKeyRepository;
  rollups: RollupRepository;
  xapiStatements: XapiStatementRepository;
  xapiQueue: WorkQueue<XapiMessage>;
  audit: AuditRepository;
  /** The account the repositories are over: for the rare whole-table reads (a person's data, erasure). */
  account: StorageAccount;
  /** Creates every table and queue that is missing; safe to run from every instance at every start. */
  ensure(): Promise<void>;
  /** Resolves when storage answers a request; used by /readyz. */
  ping(): Promise<void>;
}

export interface StorageOptions {
  /** Azure queues the delivery queue is spread over (by recipient); every instance must agree. */
  deliveryQueueShards?: number;
}

export function openStorage(account: StorageAccount, options: StorageOptions = {}): Storage {
  const table = account.table;
  const shards = (base: string) =>
    Array.from({ length: PERSON_TABLE_SHARDS }, (_, i) => table(personTableName(base, i)));
  const deliveryQueue = openDeliveryQueue(account, queueNames.deliveries, options.deliveryQueueShards ?? 4);
  const xapiQueue = new WorkQueue<XapiMessage>(account.queue(queueNames.xapi));
  // Writes of what the planner depends on mark the change for it (see src/delivery/planner-loop.ts).
  const planning = new PlanningRepository(table(tableNames.coordination), table(tableNames.planChanges));
  return {
    tenants: new TenantRepository(table(tableNames.tenants)),
    programs: new ProgramRepository(table(tableNames.programs), planning),
    kpis: new KpiRepository(table(tableNames.kpis)),
    kpiValues: new KpiValueRepository(table(tableNames.kpiValues)),
    teams: new TeamRepository(table(tableNames.teams), planning),
    assets: new AssetRepository(table(tableNames.assets), planning),
    deliveries: new DeliveryRepository(shards(personTableNames.deliveries)),
    observations: new ObservationRepository(table(tableNames.observations)),
    challengeCompletions: challengeCompletionRepository(table(tableNames.challengeCompletions)),
    nudgeResponses: nudgeResponseRepository(table(tableNames.nudgeResponses)),
    skillsCheckResults: skillsCheckResultRepository(table(tableNames.skillsCheckResults)),
    conversations: new ConversationRepository(shards(personTableNames.conversations), planning),
    seedMarkers: new SeedMarkerRepository(table(tableNames.meta)),
    coordination: new CoordinationRepository(table(tableNames.coordination)),
    planning,
    deliveryQueue,
    apiKeys: new ApiKeyRepository(table(tableNames.apiKeys)),
    rollups: new RollupRepository(table(tableNames.rollups)),
    xapiStatements: new XapiStatementRepository(table(tableNames.xapiStatements)),
    xapiQueue,
    audit: new AuditRepository(table(tableNames.audit)),
    account,
    async ensure() {
      // createTable treats "already exists" as success, so every instance may run this at start.
      await mapWithConcurrency(everyTableName(), 8, (name) => table(name).createTable());
      await deliveryQueue.ensure();
      await xapiQueue.ensure();
    },
    async ping() {
      const pages = table(tableNames.tenants)
        .listEntities({ queryOptions: { select: ["RowKey"] } })
        .byPage({ maxPageSize: 1 });
      await pages.next();
    },
  };
}

/** The delivery queue, its messages spread over the shards by their first delivery. */
export function openDeliveryQueue(
  account: StorageAccount,
  name: string,
  shards: number,
): ShardedQueue<DeliveryMessage> {
  return ShardedQueue.open<DeliveryMessage>(
    account,
    name,
    shards,
    // Read loosely: a message of an older form has no items.
    (m) => {
      const first = (m as Partial<DeliveryMessage>).items?.[0] as {
        deliveryId?: string;
        conversation?: { conversationId?: string };
      };
      const key = first?.deliveryId ?? first?.conversation?.conversationId;
      return `${m.tenantId}|${key ?? ""}`;
    },
  );
}
