import type { TableClient } from "@azure/data-tables";
import {
  type ChallengeCompletion,
  type NudgeResponse,
  parseChallengeCompletion,
  parseNudgeResponse,
  parseSkillsCheckResult,
  type SkillsCheckResult,
} from "../domain/index.js";
import { EntityStore, filters, type Page, type PageOptions } from "./entity-store.js";
import { AlreadyExistsError } from "./storage-errors.js";
import { INTENT_TAG_COLUMN, keys } from "./table-keys.js";

interface RecordShape<T> {
  what: string;
  parse(input: unknown): T;
  /** Whose record it is: the partition. */
  ownerOf(record: T): string;
  /** What makes it unique for that person: a replay lands on the same key. */
  keyOf(record: T): string;
}

/**
 * A person's answers to what was delivered to them, one row per answer key. Recording is create-only:
 * a second click or a replayed submit finds the row and writes nothing.
 */
export class PersonRecordRepository<T extends { tenantId: string }> {
  private readonly store: EntityStore<T>;

  constructor(
    client: TableClient,
    private readonly shape: RecordShape<T>,
  ) {
    this.store = new EntityStore(client, {
      what: shape.what,
      keyOf: (r) => keys.personRecord(r.tenantId, shape.ownerOf(r), shape.keyOf(r)),
    });
  }

  /**
   * Returns `recorded: false` and the record already there when this one was recorded before. `intentTag`
   * is kept beside the record: it says which write made the row (see src/measure/rollups/rollup-intents.ts).
   */
  async record(input: unknown, options: { intentTag?: string } = {}): Promise<{ recorded: boolean; value: T }> {
    const record = this.shape.parse(input);
    try {
      await this.store.create(record, options.intentTag ? { [INTENT_TAG_COLUMN]: options.intentTag } : {});
      return { recorded: true, value: record };
    } catch (error) {
      if (!(error instanceof AlreadyExistsError)) throw error;
      const existing = await this.get(record.tenantId, this.shape.ownerOf(record), this.shape.keyOf(record));
      return { recorded: false, value: existing ?? record };
    }
  }

  /** The intent tag the record's row was written with: undefined without a row, null without a tag. */
  async intentTagOf(record: T): Promise<string | null | undefined> {
    const { partitionKey, rowKey } = keys.personRecord(
      record.tenantId,
      this.shape.ownerOf(record),
      this.shape.keyOf(record),
    );
    return (await this.store.column(partitionKey, rowKey, INTENT_TAG_COLUMN)) as string | null | undefined;
  }

  async get(tenantId: string, ownerObjectId: string, recordKey: string): Promise<T | undefined> {
    const { partitionKey, rowKey } = keys.personRecord(tenantId, ownerObjectId, recordKey);
    return (await this.store.get(partitionKey, rowKey))?.value;
  }

  async forPerson(tenantId: string, ownerObjectId: string, options: PageOptions = {}): Promise<Page<T>> {
    const page = await this.store.page(filters.partition(keys.personRecordPartition(tenantId, ownerObjectId)), options);
    return { items: page.items.map((v) => v.value), continuationToken: page.continuationToken };
  }
}

export type ChallengeCompletionRepository = PersonRecordRepository<ChallengeCompletion>;
export type NudgeResponseRepository = PersonRecordRepository<NudgeResponse>;
export type SkillsCheckResultRepository = PersonRecordRepository<SkillsCheckResult>;

/** One completion per challenge delivery. */
export function challengeCompletionRepository(client: TableClient): ChallengeCompletionRepository {
  return new PersonRecordRepository(client, {
    what: "challenge completion",
    parse: parseChallengeCompletion,
    ownerOf: (c) => c.managerObjectId,
    keyOf: (c) => c.deliveryId,
  });
}

/** One response per nudge delivery. */
export function nudgeResponseRepository(client: TableClient): NudgeResponseRepository {
  return new PersonRecordRepository(client, {
    what: "nudge response",
    parse: parseNudgeResponse,
    ownerOf: (r) => r.learnerObjectId,
    keyOf: (r) => r.deliveryId,
  });
}

/** One pre and one post result per learner and program, so the pre/post change is two point reads. */
export function skillsCheckResultRepository(client: TableClient): SkillsCheckResultRepository {
  return new PersonRecordRepository(client, {
    what: "skills-check result",
    parse: parseSkillsCheckResult,
    ownerOf: (r) => r.learnerObjectId,
    keyOf: (r) => skillsCheckKey(r.programId, r.phase),
  });
}

export function skillsCheckKey(programId: string, phase: "pre" | "post"): string {
  return `${programId}.${phase}`;
}
