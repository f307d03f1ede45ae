import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GraphDirectory, GraphError, ianaZoneOf } from "../../src/graph/index.js";
import { type GraphSimulator, startGraphSimulator } from "../support/graph-simulator.js";
import { newTenantId } from "../support/storage.js";

const clientId = randomUUID();
const clientSecret = "graph-secret";
const tenantId = newTenantId();
const bare = newTenantId();
const people = Array.from({ length: 7 }, (_, i) => ({ objectId: randomUUID(), displayName: `Person ${i}` }));
let graph: GraphSimulator;
let waits: number[];
let directory: GraphDirectory;

beforeAll(async () => {
  graph = await startGraphSimulator({
    clientId,
    clientSecret,
    pageSize: 3,
    tenants: {
      [tenantId]: {
        displayName: "Fabrikam",
        permissions: ["Organization.Read.All", "TeamMember.Read.All", "GroupMember.Read.All", "AppCatalog.Read.All"],
        users: people,
        teams: { "team-1": { members: people.map((p) => p.objectId), owners: [people[0]?.objectId ?? ""] } },
        groups: { [randomUUID()]: [] },
        catalogue: {},
      },
      [bare]: { displayName: "Bare", permissions: [], users: [] },
    },
  });
});
afterAll(() => graph.close());

function directoryFor(secret = clientSecret): GraphDirectory {
  waits = [];
  return new GraphDirectory(
    { clientId, clientSecret: secret, authorityHost: graph.authorityHost, endpoint: graph.endpoint },
    {
      sleep: async (ms) => {
        waits.push(ms);
      },
    },
  );
}

describe("GraphDirectory", () => {
  beforeAll(() => {
    directory = directoryFor();
  });

  it("reads every page of a collection by @odata.nextLink", async () => {
    const members = await directory.teamMembers(tenantId, "team-1");
    expect(members.map((m) => m.objectId)).toEqual(people.map((p) => p.objectId));
    expect(members.filter((m) => m.owner).map((m) => m.displayName)).toEqual(["Person 0"]);
    expect(graph.requests().filter((r) => r.path === "/teams/team-1/members")).toHaveLength(3);
  });

  it("waits out a 429 for its Retry-After and then gets the answer", async () => {
    graph.throttleNext(2, 3);
    expect(await directory.organizationName(tenantId)).toBe("Fabrikam");
    expect(waits).toEqual([3_000, 3_000]);
  });

  it("gives up on a Retry-After longer than it will wait, with Graph's status", async () => {
    const impatient = new GraphDirectory(
      { clientId, clientSecret, authorityHost: graph.authorityHost, endpoint: graph.endpoint },
      { maxWaitMs: 1_000, sleep: async () => undefined },
    );
    graph.throttleNext(1, 120);
    await expect(impatient.organizationName(tenantId)).rejects.toMatchObject({ status: 429, code: "TooManyRequests" });
  });

  it("turns a missing permission into a GraphError that says which", async () => {
    const error = await directory.mailboxTimeZone(tenantId, people[0]?.objectId ?? "").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphError);
    expect(error).toMatchObject({ status: 403, code: "Authorization_RequestDenied", refused: true });
    expect((error as Error).message).toContain("MailboxSettings.Read");
  });

  it("says when the catalogue lacks the app, and when the token is refused", async () => {
    expect(await directory.catalogueAppId(tenantId, randomUUID())).toBeUndefined();
    const wrong = directoryFor("not-the-secret");
    await expect(wrong.organizationName(tenantId)).rejects.toMatchObject({ status: 401, code: "invalid_client" });
  });
});

describe("mailbox time zones", () => {
  it("maps Windows names through CLDR and keeps IANA names, never guessing", () => {
    expect(ianaZoneOf("GMT Standard Time")).toEqual({ timeZone: "Europe/London" });
    expect(ianaZoneOf("Eastern Standard Time")).toEqual({ timeZone: "America/New_York" });
    expect(ianaZoneOf("W. Europe Standard Time")).toEqual({ timeZone: "Europe/Berlin" });
    expect(ianaZoneOf("Asia/Kolkata")).toEqual({ timeZone: "Asia/Kolkata" });
    expect(ianaZoneOf("Mars Standard Time")).toEqual({
      problem: 'the mailbox time zone "Mars Standard Time" has no IANA equivalent',
    });
    expect(ianaZoneOf(undefined)).toEqual({ problem: "no time zone in the mailbox settings" });
  });
});
