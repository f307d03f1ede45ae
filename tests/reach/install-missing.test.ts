import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TenantRateLimiter } from "../../src/delivery/index.js";
import { GraphDirectory } from "../../src/graph/index.js";
import { CATALOGUE_MISSING, installMissing, reachReport } from "../../src/reach/index.js";
import type { Storage } from "../../src/storage/index.js";
import { aProgram, aTeam, now, person } from "../support/fixtures.js";
import { type GraphSimulator, type GraphTenant, startGraphSimulator } from "../support/graph-simulator.js";
import { newTenantId, testStorage } from "../support/storage.js";

const clientId = randomUUID();
const manifestId = randomUUID();
const tenants: Record<string, GraphTenant> = {};
const installEvents: string[] = [];
let graph: GraphSimulator;
let storage: Storage;
let directory: GraphDirectory;

beforeAll(async () => {
  storage = await testStorage();
  graph = await startGraphSimulator({
    clientId,
    clientSecret: "s",
    tenants,
    onInstall: ({ user }) => {
      installEvents.push(user.objectId);
    },
  });
  directory = new GraphDirectory({
    clientId,
    clientSecret: "s",
    authorityHost: graph.authorityHost,
    endpoint: graph.endpoint,
  });
});
afterAll(() => graph.close());

/** An active program with two pilot teams and a comparison team; its manager-only schedule reaches managers. */
async function world(permissions: string[], catalogued = true) {
  const tenantId = newTenantId();
  const a = aTeam(tenantId);
  const c = aTeam(tenantId, { id: "team-c", name: "Team C", manager: person("Manager C"), members: [] });
  const b = aTeam(tenantId, { id: "team-b", name: "Team B", manager: person("Manager B"), members: [] });
  for (const team of [a, b, c]) await storage.teams.save(team);
  await storage.programs.save(
    aProgram(tenantId, {
      status: "active",
      teams: [
        { teamId: "team-a", role: "pilot" },
        { teamId: "team-c", role: "pilot" },
        { teamId: "team-b", role: "comparison" },
      ],
    }),
  );
  tenants[tenantId] = {
    displayName: "Contoso",
    permissions: ["AppCatalog.Read.All", ...permissions],
    users: [a.manager, b.manager, c.manager].map((p) => ({ objectId: p.objectId, displayName: p.displayName })),
    catalogue: catalogued ? { [manifestId]: `catalogue-${manifestId}` } : {},
  };
  return { tenantId, a, b, c };
}

function depsAt(at: Date, warnings: unknown[] = [], reserved: string[] = []) {
  const limiter = new TenantRateLimiter(storage.coordination, { perSecond: 50 });
  return {
    storage,
    directory,
    manifestId,
    now: () => at,
    teamsRequests: {
      reserve: (tenantId: string, maxWaitMs: number) => {
        reserved.push(tenantId);
        return limiter.reserve(tenantId, maxWaitMs);
      },
    },
    logger: { info: () => undefined, warn: (fields: unknown) => warnings.push(fields) },
  };
}

describe("installing the app for people who never did", () => {
  it("installs for each pilot manager with no conversation, each on the Teams budget, and leaves the rest", async () => {
    const { tenantId, a, b, c } = await world(["TeamsAppInstallation.ReadWriteSelfForUser.All"]);
    // Manager C removed the app before: never installed again against their choice.
    await storage.conversations.upsert({
      tenantId,
      objectId: c.manager.objectId,
      conversationId: "a:c",
      serviceUrl: "https://smba.trafficmanager.net/emea/",
      reachable: false,
      unreachableReason: "removed the app on 1 Dec",
      updatedAt: now,
    });
    const reserved: string[] = [];
    const pass = await installMissing(depsAt(new Date(now), [], reserved), tenantId);
    expect(pass).toEqual({ tried: 1, installed: 1, failed: 0, catalogueMissing: false });
    expect(reserved).toEqual([tenantId]);
    expect(graph.installed(tenantId, a.manager.objectId)).toEqual([`catalogue-${manifestId}`]);
    expect(graph.installed(tenantId, b.manager.objectId)).toEqual([]);
    await expect.poll(() => installEvents.includes(a.manager.objectId.toLowerCase())).toBe(true);

    // Teams' install event has not come yet: not tried again within the confirmation window.
    expect((await installMissing(depsAt(new Date(Date.parse(now) + 60_000)), tenantId)).tried).toBe(0);

    const report = await reachReport(storage, tenantId, "prog-1", { now: new Date(now), graphConfigured: true });
    expect(report.people.map((p) => [p.displayName, p.status, p.reason])).toEqual([
      ["Manager M", "installing", null],
      ["Manager C", "uninstalled", "removed the app on 1 Dec"],
    ]);
    expect(report.counts).toMatchObject({ installing: 1, uninstalled: 1, reachable: 0 });
  });

  it("a refused permission is a clear status on the person and one log line, tried again hours later, not in a loop", async () => {
    const { tenantId, a, c } = await world([]);
    const warnings: unknown[] = [];
    const pass = await installMissing(depsAt(new Date(now), warnings), tenantId);
    expect(pass).toMatchObject({ tried: 2, failed: 2 });
    expect(warnings).toEqual([
      {
        tenantId,
        reason:
          "Microsoft Graph refused (403 Authorization_RequestDenied): grant the application permission TeamsAppInstallation.ReadWriteSelfForUser.All and admin consent",
      },
    ]);
    const report = await reachReport(storage, tenantId, "prog-1", { now: new Date(now), graphConfigured: true });
    expect(report.people.map((p) => p.status)).toEqual(["install-failed", "install-failed"]);
    expect(report.people[0]?.reason).toMatch(/TeamsAppInstallation\.ReadWriteSelfForUser\.All/);
    expect((await installMissing(depsAt(new Date(Date.parse(now) + 3_600_000)), tenantId)).tried).toBe(0);
    expect((await installMissing(depsAt(new Date(Date.parse(now) + 7 * 3_600_000)), tenantId)).tried).toBe(2);
    expect(graph.installed(tenantId, a.manager.objectId)).toEqual([]);
    expect(graph.installed(tenantId, c.manager.objectId)).toEqual([]);
  });

  it("tells the admin when the app is not in the organisation's catalogue", async () => {
    const { tenantId } = await world(["TeamsAppInstallation.ReadWriteSelfForUser.All"], false);
    expect(await installMissing(depsAt(new Date(now)), tenantId)).toMatchObject({ catalogueMissing: true, failed: 2 });
    const report = await reachReport(storage, tenantId, "prog-1", { now: new Date(now), graphConfigured: true });
    expect(report.people.map((p) => p.reason)).toEqual([CATALOGUE_MISSING, CATALOGUE_MISSING]);
  });

  it("without Graph, points the admin at a Teams app setup policy", async () => {
    const { tenantId } = await world([]);
    const report = await reachReport(storage, tenantId, "prog-1", { now: new Date(now), graphConfigured: false });
    expect(report.counts["not-installed"]).toBe(2);
    expect(report.people[0]?.reason).toMatch(/Teams app setup policy/);
  });
});
