import type { TableClient } from "@azure/data-tables";
import { type Observation, parseObservation, ValidationError } from "../domain/index.js";
import { EntityStore, filters, type Page, type PageOptions, TableTransaction } from "./entity-store.js";
import { INTENT_TAG_COLUMN, keys, newestFirst } from "./table-keys.js";

/** A team's observations in one partition, newest first, so "the latest N" is the first page. */
export class ObservationRepository {
  private readonly store: EntityStore<Observation>;

  constructor(client: TableClient) {
    this.store = new EntityStore(client, {
      what: "observation",
      keyOf: (o) => keys.observation(o.tenantId, o.teamId, o.observedAt, o.id),
      columns: (o) => ({ programId: o.programId, memberObjectId: o.memberObjectId, behaviourId: o.behaviourId }),
    });
  }

  /**
   * Records a checklist's observations of one team together: all are validated first, then written in
   * one transaction (at most 100), so a checklist is recorded whole or not at all.
   */
  async addForTeam(
    tenantId: string,
    teamId: string,
    inputs: readonly unknown[],
    options: { intentTag?: string } = {},
  ): Promise<Observation[]> {
    if (inputs.length > 100)
      throw new ValidationError("observations", [{ field: "(root)", rule: "at most 100 at once" }]);
    const observations = inputs.map((input, i) => {
      const o = parseObservation(input);
      if (o.tenantId !== tenantId.toLowerCase() || o.teamId !== teamId)
        throw new ValidationError("observation", [
          { field: `[${i}].teamId`, rule: `must be team ${teamId} of this tenant` },
        ]);
      return o;
    });
    const transaction = new TableTransaction();
    const tag = options.intentTag ? { [INTENT_TAG_COLUMN]: options.intentTag } : {};
    for (const o of observations) transaction.createEntity({ ...this.store.entity(o), ...tag });
    await this.store.submit(transaction);
    return observations;
  }

  /** The intent tag the observation's row was written with: undefined without a row, null without a tag. */
  async intentTagOf(o: Observation): Promise<string | null | undefined> {
    const { partitionKey, rowKey } = keys.observation(o.tenantId, o.teamId, o.observedAt, o.id);
    return (await this.store.column(partitionKey, rowKey, INTENT_TAG_COLUMN)) as string | null | undefined;
  }

  /** Newest first, a page at a time. */
  async latest(tenantId: string, teamId: string, options: PageOptions = {}): Promise<Page<Observation>> {
    const page = await this.store.page(filters.partition(keys.observationPartition(tenantId, teamId)), options);
    return { items: page.items.map((v) => v.value), continuationToken: page.continuationToken };
  }

  /** Observations at or after `since`, newest first: a row-key range, since newer rows sort first. */
  async since(tenantId: string, teamId: string, since: Date, options: PageOptions = {}): Promise<Page<Observation>> {
    const pk = keys.observationPartition(tenantId, teamId);
    const page = await this.store.page(filters.rowRange(pk, "", `${newestFirst(since)}~`), options);
    return { items: page.items.map((v) => v.value), continuationToken: page.continuationToken };
  }
}
