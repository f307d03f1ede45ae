import { randomUUID } from "node:crypto";
import { Writable } from "node:stream";
import { gzipSync } from "node:zlib";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "../../src/measure/index.js";
import { openStorage, storageAccount } from "../../src/storage/index.js";
import { TEST_API_KEY_PEPPER } from "../support/test-config.js";
import { type Api, seedWorld, startApi, type World } from "./api-harness.js";

/** Every log line the app writes, to check what a flood of junk leaves in the error log. */
const logLines: { level: number; msg: string }[] = [];
const logger = pino(
  { level: "info" },
  new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n").filter(Boolean)) logLines.push(JSON.parse(line));
      done();
    },
  }),
);

let api: Api;
let world: World;
let admin: string;

beforeAll(async () => {
  api = await startApi({ logger });
  world = await seedWorld(api);
  admin = await api.entra.token({ tenantId: world.tenantId, objectId: world.admin.objectId });
});
afterAll(() => api.stop());

/** A raw request: the body and headers exactly as given (fetch would encode the path's % otherwise). */
async function raw(method: string, path: string, init: { headers?: Record<string, string>; body?: BodyInit } = {}) {
  const response = await fetch(`${api.base}${path}`, { method, headers: init.headers, body: init.body });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) };
}

const asAdmin = (headers: Record<string, string> = {}) => ({ authorization: `Bearer ${admin}`, ...headers });
const errorLines = () => logLines.filter((l) => l.level >= 50);

describe("ids in the path", () => {
  const hostile = [
    ["a|b", "/api/v1/programs/a%7Cb"],
    ["a/b", "/api/v1/programs/a%2Fb"],
    ["a#b", "/api/v1/teams/a%23b"],
    ["a\\b", "/api/v1/teams/a%5Cb"],
    ["a?b", "/api/v1/programs/a%3Fb/view"],
    ["NUL", "/api/v1/programs/%00/view"],
    ["a control character", "/api/v1/programs/a%1Fb/assets"],
    ["65 characters", `/api/v1/programs/${"a".repeat(65)}`],
    ["a space", "/api/v1/kpis/win%20rate/values"],
  ] as const;

  it.each(hostile)("%s is a 400 naming the rule, with or without a token", async (_what, path) => {
    for (const headers of [asAdmin(), {}]) {
      const res = await raw("GET", path, { headers });
      expect(res.status).toBe(400);
      expect(res.headers.get("content-type")).toMatch(/^application\/json/);
      expect(res.json()).toEqual({
        error: "invalid",
        issues: [
          {
            field: expect.stringMatching(/^\(path\) part \d+$/),
            rule: "must be 1 to 64 letters, digits, '-', '_' or '.', starting with a letter or digit",
          },
        ],
      });
    }
  });

  it("is refused before any storage call: the same 400 while storage cannot be reached", async () => {
    const unreachable = openStorage(
      storageAccount(
        {
          kind: "connectionString",
          connectionString:
            "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;TableEndpoint=http://127.0.0.1:9/devstoreaccount1;QueueEndpoint=http://127.0.0.1:9/devstoreaccount1",
        },
        { timeoutMs: 1_000, retries: 0 },
      ),
    );
    const offline = await startApi({ storage: unreachable });
    try {
      const token = await offline.entra.token({ tenantId: offline.freshTenant(), objectId: randomUUID() });
      const headers = { authorization: `Bearer ${token}` };
      const res = await fetch(`${offline.base}/api/v1/programs/a%7Cb`, { headers });
      expect(res.status).toBe(400);
      // The same app does reach for storage on a good id, and says so with a 503.
      const good = await fetch(`${offline.base}/api/v1/programs/prog-1`, { headers });
      expect(good.status).toBe(503);
    } finally {
      await offline.stop();
    }
  });

  it("malformed percent-encoding is a 400, logged below error, so nobody can fill the error log with it", async () => {
    const before = errorLines().length;
    for (const path of ["/api/v1/programs/%ZZ", "/api/v1/teams/%E0%A4%A", "/api/v1/programs/%/view"]) {
      for (const headers of [asAdmin(), {}]) {
        const res = await raw("GET", path, { headers });
        expect(res.status).toBe(400);
        expect(res.json().issues[0].rule).toBe("must be valid percent-encoding");
      }
    }
    expect(errorLines().length).toBe(before);
  });
});

describe("query, headers and bodies", () => {
  it("a continuation token the API did not give out is a 400; one it gave out pages on", async () => {
    for (const token of ["x", "bm90IGpzb24=", Buffer.from('{"nextPartitionKey":"a\\u0000"}').toString("base64")]) {
      const res = await api.call("GET", `/api/v1/programs?continuationToken=${encodeURIComponent(token)}`, {
        token: admin,
      });
      expect(res.status).toBe(400);
      expect(res.body.issues).toEqual([
        { field: "continuationToken", rule: "must be a continuationToken this API gave out" },
      ]);
    }
    for (const name of ["First", "Second"])
      expect((await api.call("POST", "/api/v1/programs", { token: admin, body: { name } })).status).toBe(201);
    const first = await api.call("GET", "/api/v1/programs?pageSize=1", { token: admin });
    expect(first.body.continuationToken).toBeTruthy();
    const next = await api.call(
      "GET",
      `/api/v1/programs?pageSize=1&continuationToken=${encodeURIComponent(first.body.continuationToken)}`,
      { token: admin },
    );
    expect(next.status).toBe(200);
    expect(next.body.items[0].id).not.toBe(first.body.items[0].id);
  });

  it("If-Match: a garbage value is 400, * is 428, none is 428 where a version is required; nothing changes", async () => {
    const read = await api.call("GET", "/api/v1/programs/prog-1", { token: admin });
    const etag = read.headers.get("etag") ?? "";
    const put = (ifMatch?: string) =>
      api.call("PUT", "/api/v1/programs/prog-1", {
        token: admin,
        body: { name: "Overwritten" },
        headers: ifMatch === undefined ? {} : { "if-match": ifMatch },
      });
    const garbage = await put("garbage");
    expect(garbage.status).toBe(400);
    expect(garbage.body.issues).toEqual([{ field: "If-Match", rule: "must be an ETag this API gave out" }]);
    const star = await put("*");
    expect(star.status).toBe(428);
    expect(star.body.issues).toEqual([{ field: "If-Match", rule: "must be the ETag you read, not *" }]);
    expect((await put()).status).toBe(428);
    const unchanged = await api.storage.programs.get(world.tenantId, "prog-1");
    expect(unchanged?.value.name).toBe("Discovery that wins");
    expect(unchanged?.etag).toBe(etag);

    const team = await api.call("PUT", "/api/v1/teams/team-a", {
      token: admin,
      body: { name: "Renamed" },
      headers: { "if-match": "*" },
    });
    expect(team.status).toBe(428);
    const asset = await api.call("PUT", "/api/v1/programs/prog-1/assets/challenge-1", {
      token: admin,
      body: { title: "Renamed" },
      headers: { "if-match": "*" },
    });
    expect(asset.status).toBe(428);
    const notes = await api.call("PUT", "/api/v1/programs/prog-1/reviews/2026-11/notes", {
      token: admin,
      body: { text: "written blind" },
      headers: { "if-match": "*" },
    });
    expect(notes.status).toBe(428);
    expect((await api.storage.teams.get(world.tenantId, "team-a"))?.value.name).toBe("Team A");

    // An If-Match on a team that does not exist names nothing to replace: 412, and no team appears.
    const ghost = await api.call("PUT", "/api/v1/teams/ghost-team", {
      token: admin,
      body: { name: "Ghost", manager: { objectId: randomUUID(), displayName: "G", timeZone: "UTC" }, members: [] },
      headers: { "if-match": etag },
    });
    expect(ghost.status).toBe(412);
    expect(await api.storage.teams.get(world.tenantId, "ghost-team")).toBeUndefined();
  });

  it("a body that is not what its Content-Encoding says is 400; an unknown encoding 415; real gzip works", async () => {
    const json = JSON.stringify({ name: "Gzipped" });
    const headers = asAdmin({ "content-type": "application/json" });
    const notGzip = await raw("POST", "/api/v1/kpis", {
      headers: { ...headers, "content-encoding": "gzip" },
      body: json,
    });
    expect(notGzip.status).toBe(400);
    expect(notGzip.json().issues).toEqual([{ field: "(body)", rule: "must be encoded as its Content-Encoding says" }]);
    const unknown = await raw("POST", "/api/v1/programs", {
      headers: { ...headers, "content-encoding": "x-rot13" },
      body: json,
    });
    expect(unknown.status).toBe(415);
    const gzipped = await raw("POST", "/api/v1/programs", {
      headers: { ...headers, "content-encoding": "gzip" },
      body: gzipSync(json),
    });
    expect(gzipped.status).toBe(201);
    // A CSV upload is read as it comes: an encoding it does not decode is refused rather than misread.
    const csv = await raw("POST", "/api/v1/kpi-imports?mode=preview", {
      headers: asAdmin({ "content-type": "text/csv", "content-encoding": "gzip" }),
      body: "kpi,team,date,value\n",
    });
    expect(csv.status).toBe(415);
  });

  it("a CSV that is one endless line is a 400 once the line limit is passed, not a stall", async () => {
    for (const [what, csv] of [
      ["header", `kpi,team,date,value,${"a,".repeat(40_000)}`],
      ["row", `kpi,team,date,value\nwin-rate,team-a,2026-03-01,${"1".repeat(70_000)}\n`],
    ]) {
      const res = await raw("POST", "/api/v1/kpi-imports?mode=preview", {
        headers: asAdmin({ "content-type": "text/csv" }),
        body: csv,
      });
      expect(res.status, what).toBe(400);
      const issue = res.json().issues[0];
      if (what === "header")
        expect(issue).toEqual({ field: "header", rule: "must end within the first 65536 bytes (one line per row)" });
      else expect(issue.field).toBe("line 2");
    }
  });

  it("a body over the route's limit is 413 with the limit, in JSON", async () => {
    const big = JSON.stringify({ name: "x".repeat(600 * 1024) });
    const res = await raw("POST", "/api/v1/programs", {
      headers: asAdmin({ "content-type": "application/json" }),
      body: big,
    });
    expect(res.status).toBe(413);
    expect(res.json()).toEqual({
      error: "too_large",
      issues: [{ field: "(body)", rule: `must be at most ${512 * 1024} bytes` }],
    });
    const bot = await raw("POST", "/api/messages", { headers: { "content-type": "application/json" }, body: big });
    expect(bot.status).toBe(413);
    const bi = await raw("POST", "/api/v1/kpi-values", {
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ values: "x".repeat(3 * 1024 * 1024) }),
    });
    expect(bi.status).toBe(413);
    expect(bi.json().error).toBe("too_large");
  });

  it("outside the API too, a malformed path is a 4xx without a stack", async () => {
    for (const path of ["/tab/%ZZ", "/tab/assets/%", "/nope/%E0%A4%A", "/%ZZ"]) {
      const res = await raw("GET", path);
      expect(res.status, path).toBeLessThan(500);
      expect(res.text, path).not.toMatch(/\.(ts|js):\d+|node_modules|<pre>/);
    }
  });

  it("answers in JSON with no-store and nosniff, also for routes that do not exist", async () => {
    for (const [method, path, headers] of [
      ["GET", "/api/v1/me", asAdmin()],
      ["GET", "/api/v1/nope", asAdmin()],
      ["GET", "/nope", {}],
      ["POST", "/healthz", {}],
      ["GET", "/api/v1/programs", {}],
    ] as const) {
      const res = await raw(method, path, { headers });
      expect(res.headers.get("content-type"), `${method} ${path}`).toMatch(/^application\/json/);
      expect(res.headers.get("cache-control"), `${method} ${path}`).toBe("no-store");
      expect(res.headers.get("x-content-type-options"), `${method} ${path}`).toBe("nosniff");
    }
  });
});

describe("JSON errors, whatever NODE_ENV", () => {
  for (const env of ["development", "test"] as const) {
    it(`${env}: a bot body that is not JSON is a JSON 400 with no stack`, async () => {
      const app = await startApi({ env: { NODE_ENV: env } });
      const token = await app.entra.token({ tenantId: app.freshTenant(), objectId: randomUUID(), roles: ["Admin"] });
      try {
        for (const body of ["{bad", "[", '{"type":'])
          for (const path of ["/api/messages", "/api/v1/kpi-values", "/api/v1/programs"]) {
            const res = await fetch(`${app.base}${path}`, {
              method: "POST",
              headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
              body,
            });
            const text = await res.text();
            expect(res.status, `${path} ${body}`).toBe(400);
            expect(res.headers.get("content-type")).toMatch(/^application\/json/);
            expect(text).not.toMatch(/<html|<pre|\bat \S+ \(|node_modules|\.ts:\d+/i);
            expect(JSON.parse(text).issues).toEqual([{ field: "(body)", rule: "must be valid JSON" }]);
          }
      } finally {
        await app.stop();
      }
    });
  }
});

describe("card invokes the bot cannot read", () => {
  const invoke = (value: unknown) => ({
    type: "invoke",
    name: "adaptiveCard/action",
    id: randomUUID(),
    channelId: "msteams",
    serviceUrl: "http://127.0.0.1:9/",
    from: { id: "29:someone", aadObjectId: randomUUID() },
    recipient: { id: "28:bot" },
    conversation: { id: "a:conversation", conversationType: "personal", tenantId: world.tenantId },
    channelData: { tenant: { id: world.tenantId } },
    value,
  });

  it.each([
    ["a string", "x"],
    ["an array", []],
    ["an empty object", {}],
    ["a null action", { action: null }],
    ["an action of another type", { action: { type: "Action.Submit" } }],
    ["no verb or data", { action: { type: "Action.Execute" } }],
    ["a number as verb", { action: { type: "Action.Execute", verb: 7, data: {} } }],
  ])("%s gets the error card, never a 500", async (_what, value) => {
    const res = await raw("POST", "/api/messages", {
      headers: { "content-type": "application/json" },
      body: JSON.stringify(invoke(value)),
    });
    expect(res.status).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ statusCode: 200, type: "application/vnd.microsoft.card.adaptive" });
    expect(JSON.stringify(body.value)).toContain("didn't make sense");
  });
});

describe("tokens", () => {
  const me = () => ({ tenantId: world.tenantId, objectId: world.admin.objectId });
  const status = async (token: string) => (await api.call("GET", "/api/v1/me", { token })).status;

  it("refuses an iat a day in the future, an exp in 2286, a lifetime past the maximum and no iat", async () => {
    const nowSeconds = Math.floor(Date.now() / 1000);
    expect(await status(await api.entra.token(me(), { claims: { iat: nowSeconds + 86_400 } }))).toBe(401);
    expect(await status(await api.entra.token(me(), { expiresIn: 9_999_999_999 - nowSeconds }))).toBe(401);
    expect(await status(await api.entra.token(me(), { expiresIn: 86_400 + 3_600 }))).toBe(401);
    expect(await status(await api.entra.token(me(), { omit: ["iat"] }))).toBe(401);
    // A clock a little ahead of ours is allowed for.
    expect(await status(await api.entra.token(me(), { claims: { iat: nowSeconds + 30 } }))).toBe(200);
    expect(await status(await api.entra.token(me()))).toBe(200);
  });

  it("an API key stops working when its tenant is no longer allowed", async () => {
    const keyOf = async (tenantId: string) =>
      (await createApiKey(api.storage, TEST_API_KEY_PEPPER, { tenantId, name: "BI", createdBy: "admin" })).key;
    const post = (base: string, key: string) =>
      fetch(`${base}/api/v1/kpi-values`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `ApiKey ${key}` },
        body: JSON.stringify({ values: [{ kpiId: "win-rate", teamId: "team-a", date: "2026-11-02", value: 31 }] }),
      });
    const registered = await keyOf(world.tenantId);
    expect((await post(api.base, registered)).status).toBe(200);
    // A tenant this deployment does not allow: its unrevoked key opens nothing.
    expect((await post(api.base, await keyOf(randomUUID()))).status).toBe(401);
    // A deployment that lists its tenants and no longer lists this one.
    const listed = await startApi({ env: { ALLOWED_TENANT_IDS: randomUUID() } });
    try {
      expect((await post(listed.base, registered)).status).toBe(401);
    } finally {
      await listed.stop();
    }
  });
});
