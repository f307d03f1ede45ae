import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Api, startApi } from "../api/api-harness.js";
import { type GraphSimulator, type GraphTenant, startGraphSimulator } from "../support/graph-simulator.js";

const everything = [
  "Organization.Read.All",
  "TeamMember.Read.All",
  "GroupMember.Read.All",
  "User.Read.All",
  "MailboxSettings.Read",
];
const person = (name: string, mailboxTimeZone?: string, managerObjectId?: string) => ({
  objectId: randomUUID(),
  displayName: name,
  mailboxTimeZone,
  managerObjectId,
});

const tenants: Record<string, GraphTenant> = {};
const graphOptions = {
  clientId: "11111111-2222-4333-8444-555555555555",
  clientSecret: "graph-secret",
  tenants,
  pageSize: 2,
} as {
  clientId: string;
  clientSecret: string;
  tenants: Record<string, GraphTenant>;
  pageSize: number;
  userTokenKeys?: string;
};
let graph: GraphSimulator;
let api: Api;
let tenantId: string;
let admin: string;
const adminId = randomUUID();
const lead = person("Lena Lead", "GMT Standard Time");
const ny = person("Nate NY", "Eastern Standard Time", lead.objectId);
const kolkata = person("Kavya", "Asia/Kolkata", lead.objectId);
const mars = person("Marvin", "Mars Standard Time", lead.objectId);
const groupId = randomUUID();

beforeAll(async () => {
  graph = await startGraphSimulator(graphOptions);
  api = await startApi({
    env: {
      GRAPH_CLIENT_SECRET: "graph-secret",
      GRAPH_AUTHORITY_HOST: graph.authorityHost,
      GRAPH_ENDPOINT: graph.endpoint,
    },
  });
  // The admin's own API tokens are exchanged on their behalf: the simulator checks them with Entra's keys.
  graphOptions.userTokenKeys = api.entra.jwksUrl;
  tenantId = api.freshTenant();
  tenants[tenantId] = {
    displayName: "Fabrikam",
    permissions: everything,
    delegated: ["TeamMember.Read.All", "GroupMember.Read.All", "User.Read.All"],
    users: [lead, ny, kolkata, mars],
    teams: {
      "19:sales@thread.tacv2": { members: [lead, ny, kolkata, mars].map((p) => p.objectId), owners: [lead.objectId] },
    },
    groups: { [groupId]: [ny.objectId, kolkata.objectId] },
  };
  admin = await api.entra.token({ tenantId, objectId: adminId, roles: ["Admin"] });
});
afterAll(async () => {
  await api.stop();
  await graph.close();
});

const importTeam = (mode: string, body: unknown, headers: Record<string, string> = {}) =>
  api.call("POST", `/api/v1/team-directory-imports?mode=${mode}`, { token: admin, body, headers });

describe("a team from the directory", () => {
  const request = {
    teamId: "sales",
    name: "Sales",
    source: { kind: "teams-team", teamId: "19:sales@thread.tacv2" },
    managerObjectId: lead.objectId,
  };

  it("previews a Teams team's members with each person's zone from their mailbox, and the unknown as unknown", async () => {
    const res = await importTeam("preview", request);
    expect(res.body.reason).toBeUndefined();
    expect(res.status).toBe(200);
    const zones = Object.fromEntries(
      res.body.people.map((p: { displayName: string; timeZone: string | null; zoneFrom: string | null }) => [
        p.displayName,
        [p.timeZone, p.zoneFrom],
      ]),
    );
    expect(zones).toEqual({
      "Lena Lead": ["Europe/London", "mailbox"],
      "Nate NY": ["America/New_York", "mailbox"],
      Kavya: ["Asia/Kolkata", "mailbox"],
      Marvin: [null, null],
    });
    expect(res.body.people[0]).toMatchObject({ role: "manager", owner: true });
    expect(res.body.problems).toEqual([
      'time zone unknown for Marvin: the mailbox time zone "Mars Standard Time" has no IANA equivalent; choose one',
    ]);
    expect(await api.storage.teams.get(tenantId, "sales")).toBeUndefined();
    // Who is in the team was read with the admin's own rights; the zones app-only (only the app may).
    const calls = graph.requests().filter((r) => r.tenantId === tenantId);
    expect(calls.filter((r) => r.path.startsWith("/teams/")).every((r) => r.as === adminId)).toBe(true);
    expect(calls.filter((r) => r.path.endsWith("/mailboxSettings")).every((r) => r.as === "app")).toBe(true);
  });

  it("refuses to write while a zone is unknown, and writes once the admin chooses it", async () => {
    const refused = await importTeam("commit", request);
    expect(refused.status).toBe(400);
    expect(await api.storage.teams.get(tenantId, "sales")).toBeUndefined();

    const written = await importTeam("commit", { ...request, timeZones: { [mars.objectId]: "Europe/Berlin" } });
    expect(written.status).toBe(201);
    const team = (await api.storage.teams.get(tenantId, "sales"))?.value;
    expect(team?.manager).toMatchObject({ objectId: lead.objectId, timeZone: "Europe/London" });
    expect(team?.members.map((m) => m.timeZone)).toEqual(["America/New_York", "Asia/Kolkata", "Europe/Berlin"]);
  });

  it("refreshes an existing team only over its ETag", async () => {
    const body = { ...request, timeZones: { [mars.objectId]: "Europe/Berlin" } };
    expect((await importTeam("commit", body)).status).toBe(428);
    const etag = (await api.storage.teams.get(tenantId, "sales"))?.etag ?? "";
    tenants[tenantId]?.teams?.["19:sales@thread.tacv2"]?.members.pop();
    const refreshed = await importTeam("commit", body, { "if-match": etag });
    expect(refreshed.status).toBe(200);
    expect((await api.storage.teams.get(tenantId, "sales"))?.value.members.map((m) => m.displayName)).toEqual([
      "Nate NY",
      "Kavya",
    ]);
  });

  it("builds from an Entra group and from a manager's direct reports", async () => {
    const group = await importTeam("preview", {
      teamId: "g",
      name: "G",
      source: { kind: "group", groupId },
      managerObjectId: lead.objectId,
    });
    expect(group.body.people.map((p: { displayName: string }) => p.displayName)).toEqual([
      "Lena Lead",
      "Nate NY",
      "Kavya",
    ]);
    const reports = await importTeam("preview", {
      teamId: "r",
      name: "R",
      source: { kind: "direct-reports", managerObjectId: lead.objectId },
    });
    expect(reports.body.people.map((p: { displayName: string; role: string }) => `${p.role} ${p.displayName}`)).toEqual(
      ["manager Lena Lead", "member Nate NY", "member Kavya", "member Marvin"],
    );
  });

  it("honours Graph's 429 and says plainly when Graph refuses a permission", async () => {
    graph.throttleNext(1, 1);
    expect((await importTeam("preview", request)).status).toBe(200);
    const permissions = tenants[tenantId]?.permissions ?? [];
    tenants[tenantId] = {
      ...(tenants[tenantId] as GraphTenant),
      permissions: permissions.filter((p) => p !== "TeamMember.Read.All"),
    };
    // A token is cached for an hour; a new one would carry the change. The simulator checks the token's roles.
    const other = api.freshTenant();
    tenants[other] = { ...(tenants[tenantId] as GraphTenant), delegated: ["GroupMember.Read.All", "User.Read.All"] };
    const otherAdmin = await api.entra.token({ tenantId: other, objectId: randomUUID(), roles: ["Admin"] });
    const refused = await api.call("POST", "/api/v1/team-directory-imports?mode=preview", {
      token: otherAdmin,
      body: request,
    });
    expect(refused.status).toBe(502);
    expect(refused.body.reason).toMatch(
      /Microsoft Graph refused \(403 Authorization_RequestDenied\).*TeamMember\.Read\.All/,
    );
  });

  it("falls back to the zone a person's Teams client reported to the bot", async () => {
    await api.storage.conversations.upsert({
      tenantId,
      objectId: mars.objectId,
      conversationId: "a:marvin",
      serviceUrl: "https://smba.trafficmanager.net/emea/",
      timeZone: "Europe/Madrid",
      updatedAt: new Date().toISOString(),
    });
    const res = await importTeam("preview", {
      teamId: "reports",
      name: "Reports",
      source: { kind: "direct-reports", managerObjectId: lead.objectId },
    });
    expect(res.body.people.find((p: { objectId: string }) => p.objectId === mars.objectId)).toMatchObject({
      timeZone: "Europe/Madrid",
      zoneFrom: "teams-client",
    });
    expect(res.body.problems).toEqual([]);
  });

  it("asks for the manager, and rejects an unknown source kind with a 400", async () => {
    const { managerObjectId, ...noManager } = request;
    expect((await importTeam("preview", noManager)).body.problems).toContain(
      "choose the team's manager (managerObjectId)",
    );
    expect((await importTeam("preview", { ...request, source: { kind: "everyone" } })).status).toBe(400);
  });
});
