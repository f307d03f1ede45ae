import { describe, expect, it } from "vitest";
import { transitionProgram, ValidationError } from "../../src/domain/index.js";
import { AlreadyExistsError, ConcurrencyError } from "../../src/storage/index.js";
import { aChallenge, aProgram, now } from "../support/fixtures.js";
import { newTenantId, testStorage } from "../support/storage.js";

describe("ProgramRepository", () => {
  it("creates, reads back and saves over the current etag", async () => {
    const { programs } = await testStorage();
    const tenantId = newTenantId();
    const created = await programs.save(aProgram(tenantId));
    const read = await programs.get(tenantId, "prog-1");
    expect(read?.value).toEqual(created.value);
    expect(read?.etag).toBe(created.etag);

    const renamed = await programs.save({ ...created.value, name: "Renamed" }, created.etag);
    expect(renamed.etag).not.toBe(created.etag);
    expect((await programs.get(tenantId, "prog-1"))?.value.name).toBe("Renamed");
  });

  it("refuses a stale save with ConcurrencyError and keeps the other writer's change", async () => {
    const { programs } = await testStorage();
    const tenantId = newTenantId();
    const first = await programs.save(aProgram(tenantId));
    await programs.save({ ...first.value, name: "Alice's edit" }, first.etag);

    await expect(programs.save({ ...first.value, name: "Bob's edit" }, first.etag)).rejects.toBeInstanceOf(
      ConcurrencyError,
    );
    expect((await programs.get(tenantId, "prog-1"))?.value.name).toBe("Alice's edit");
  });

  it("refuses to create a program whose id is taken", async () => {
    const { programs } = await testStorage();
    const tenantId = newTenantId();
    await programs.save(aProgram(tenantId));
    await expect(programs.save(aProgram(tenantId, { name: "Other" }))).rejects.toBeInstanceOf(AlreadyExistsError);
    expect((await programs.get(tenantId, "prog-1"))?.value.name).toBe("Discovery that wins");
  });

  it("rejects an invalid program naming the field, and writes nothing", async () => {
    const { programs } = await testStorage();
    const tenantId = newTenantId();
    const bad = aProgram(tenantId, { window: { start: "2026-12-31", end: "2026-09-01" } });
    const error = await programs.save(bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toContain("window.end: must be after the window's start");
    expect(await programs.get(tenantId, "prog-1")).toBeUndefined();
  });

  it("lists by status, a page at a time", async () => {
    const { programs } = await testStorage();
    const tenantId = newTenantId();
    for (let i = 0; i < 5; i++) {
      const saved = await programs.save(aProgram(tenantId, { id: `p-${i}` }));
      if (i % 2 === 0) {
        await programs.save(
          transitionProgram(saved.value, "active", [aChallenge(tenantId)], new Date(now)),
          saved.etag,
        );
      }
    }
    const active = await programs.list(tenantId, { status: "active" });
    expect(active.items.map((p) => p.value.id).sort()).toEqual(["p-0", "p-2", "p-4"]);

    const first = await programs.list(tenantId, { pageSize: 2 });
    expect(first.items).toHaveLength(2);
    expect(first.continuationToken).toBeDefined();
    const second = await programs.list(tenantId, { pageSize: 2, continuationToken: first.continuationToken });
    expect(second.items.map((p) => p.value.id)).toEqual(["p-2", "p-3"]);
  });
});
