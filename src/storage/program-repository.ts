import { odata, type TableClient } from "@azure/data-tables";
import { type Program, type ProgramStatus, parseProgram } from "../domain/index.js";
import { EntityStore, filters, type Page, type PageOptions, type Versioned } from "./entity-store.js";
import { noPlanChanges, type PlanChanges, tellPlanner } from "./planning-repository.js";
import { keys, tenantPartition } from "./table-keys.js";

export class ProgramRepository {
  private readonly store: EntityStore<Program>;

  constructor(
    client: TableClient,
    private readonly changes: PlanChanges = noPlanChanges,
  ) {
    this.store = new EntityStore(client, {
      what: "program",
      keyOf: (p) => keys.program(p.tenantId, p.id),
      columns: (p) => ({ status: p.status, name: p.name }),
    });
  }

  async get(tenantId: string, programId: string): Promise<Versioned<Program> | undefined> {
    const { partitionKey, rowKey } = keys.program(tenantId, programId);
    return this.store.get(partitionKey, rowKey);
  }

  /** Creates a new program (AlreadyExistsError if the id is taken), or saves over `etag` (ConcurrencyError if stale). */
  async save(input: unknown, etag?: string): Promise<Versioned<Program>> {
    const program = parseProgram(input);
    const newEtag = etag ? await this.store.replace(program, etag) : await this.store.create(program);
    await tellPlanner(async () => {
      if (program.status === "active") await this.changes.enrol(program.tenantId);
      await this.changes.changed(program.tenantId, "program", program.id);
    });
    return { value: program, etag: newEtag };
  }

  async list(
    tenantId: string,
    options: PageOptions & { status?: ProgramStatus } = {},
  ): Promise<Page<Versioned<Program>>> {
    const partition = filters.partition(tenantPartition(tenantId));
    const filter = options.status ? `${partition} and ${odata`status eq ${options.status}`}` : partition;
    return this.store.page(filter, options);
  }

  /** Every program of every tenant, page by page: for sweeps over all of them (a few rows per tenant). */
  everywhere(): AsyncGenerator<Versioned<Program>> {
    return this.store.each();
  }

  /** Every program of the tenant in a status, read page by page (the planner walks the active ones). */
  each(tenantId: string, status: ProgramStatus): AsyncGenerator<Versioned<Program>> {
    return this.store.each(`${filters.partition(tenantPartition(tenantId))} and ${odata`status eq ${status}`}`);
  }
}
