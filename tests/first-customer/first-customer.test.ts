import { randomUUID } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Composition, composeThroughline } from "../../src/composition.js";
import { loadConfig } from "../../src/config.js";
import { type RunningAzurite, startAzurite } from "../../src/dev/azurite.js";
import { isoWeekday, localDate, zonedTimeToUtc } from "../../src/domain/index.js";
import { openStorage, storageAccount } from "../../src/storage/index.js";
import {
  type BotConnectorSimulator,
  personalChatId,
  type RecordedActivity,
  startBotConnectorSimulator,
} from "../support/bot-connector-simulator.js";
import { type EntraSimulator, startEntraSimulator } from "../support/entra-simulator.js";
import { type GraphSimulator, type GraphUser, startGraphSimulator } from "../support/graph-simulator.js";

/**
 * The first customer, as they meet Throughline: production configuration (NODE_ENV=production through
 * loadConfig, real token checks), an empty store of its own, no demo seed, and Microsoft's services played by
 * local simulators — Entra (keys and tokens), the Bot Connector (signed channel requests, Teams' answers) and
 * Graph (tokens, directory, catalogue, installs that make Teams send the install event). Everything the test
 * does goes through the app's public surfaces; it never writes to storage.
 *
 * The app runs in-process through `composeThroughline` — the one composition `src/main.ts` listens with —
 * with its background loops on (planner, workers, reach), over its own embedded Azurite: in-process keeps
 * the clock, logs and simulators in one place, and its own Azurite keeps other test files' tenants out.
 */

const TENANT = randomUUID();
const BOT_ID = randomUUID();
const BOT_PASSWORD = "bot-secret";
const GRAPH_SECRET = "graph-secret";
const MANIFEST_ID = randomUUID();
const CATALOGUE_ID = randomUUID();
const CHALLENGE = "Ask one more open question";

const user = (displayName: string, mailboxTimeZone?: string): GraphUser => ({
  objectId: randomUUID(),
  displayName,
  mailboxTimeZone,
});
const admin = user("Avery Admin", "GMT Standard Time");
const london = user("Lena London", "GMT Standard Time");
const newYork = user("Nate New York", "Eastern Standard Time");
const kolkata = user("Kavya Kolkata", "Asia/Kolkata");
const berlin = user("Bea Berlin", "W. Europe Standard Time");
const comparison = user("Cole Comparison", "UTC");
const members = [london, newYork, kolkata, berlin, comparison].map((m) =>
  user(`Member of ${m.displayName}`, "Mars Standard Time"),
);
const pilots = [
  { manager: london, zone: "Europe/London", team: "london" },
  { manager: newYork, zone: "America/New_York", team: "new-york" },
  { manager: kolkata, zone: "Asia/Kolkata", team: "kolkata" },
  { manager: berlin, zone: "Europe/Berlin", team: "berlin" },
];

let azurite: RunningAzurite;
let entra: EntraSimulator;
let connector: BotConnectorSimulator;
let graph: GraphSimulator;
let throughline: Composition;
let server: Server;
let base: string;
const logLines: string[] = [];

/** The minute every zone's card is due: a couple of minutes ahead, on a minute boundary. Berlin's a minute later. */
const due = new Date(Math.ceil((Date.now() + 150_000) / 60_000) * 60_000);
const berlinDue = new Date(due.getTime() + 60_000);
const slotOf = (zone: string, at: Date) => ({
  date: localDate(at, zone),
  time: new Intl.DateTimeFormat("en-GB", {
    timeZone: zone,
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(at),
});

beforeAll(async () => {
  azurite = await startAzurite();
  entra = await startEntraSimulator();
  connector = await startBotConnectorSimulator({ appId: BOT_ID, appPassword: BOT_PASSWORD });
  graph = await startGraphSimulator({
    clientId: entra.clientId,
    clientSecret: GRAPH_SECRET,
    userTokenKeys: entra.jwksUrl,
    pageSize: 2,
    tenants: {
      [TENANT]: {
        displayName: "Fabrikam",
        permissions: [
          "Organization.Read.All",
          "TeamMember.Read.All",
          "User.Read.All",
          "MailboxSettings.Read",
          "AppCatalog.Read.All",
          "TeamsAppInstallation.ReadWriteSelfForUser.All",
        ],
        delegated: ["TeamMember.Read.All", "User.Read.All"],
        users: [admin, london, newYork, kolkata, berlin, comparison, ...members],
        teams: Object.fromEntries(
          [london, newYork, kolkata, berlin, comparison].map((m, i) => [
            `19:${m.objectId}@thread.tacv2`,
            { members: [m.objectId, members[i]?.objectId ?? ""], owners: [m.objectId] },
          ]),
        ),
        catalogue: { [MANIFEST_ID]: CATALOGUE_ID },
      },
    },
    // What Teams does after Graph installs the app: it sends the bot the person's install event.
    onInstall: async ({ tenantId, user: who }) => {
      await connector.installEvent({
        endpoint: `${base}/api/messages`,
        action: "add",
        tenantId,
        objectId: who.objectId,
        name: who.displayName,
      });
    },
  });

  const config = loadConfig({
    NODE_ENV: "production",
    PORT: "0",
    LOG_LEVEL: "info",
    STORAGE_CONNECTION_STRING: azurite.connectionString,
    API_KEY_PEPPER: "first-customer-pepper-0123456789abcdef",
    BOT_ID,
    BOT_PASSWORD,
    BOT_LOGIN_URL: connector.loginUrl,
    BOT_OPENID_METADATA_URL: connector.openIdMetadataUrl,
    BOT_CHANNEL_ISSUER: connector.issuer,
    AUTH_CLIENT_ID: entra.clientId,
    AUTH_JWKS_URL: entra.jwksUrl,
    ALLOWED_TENANT_IDS: TENANT,
    TEAMS_APP_ID: MANIFEST_ID,
    APP_BASE_URL: "https://throughline.fabrikam.example",
    GRAPH_CLIENT_SECRET: GRAPH_SECRET,
    GRAPH_AUTHORITY_HOST: graph.authorityHost,
    GRAPH_ENDPOINT: graph.endpoint,
    DELIVERY_PLANNER_INTERVAL_SECONDS: "5",
    DELIVERY_HORIZON_HOURS: "1",
  });
  expect(config).toMatchObject({
    env: "production",
    seedDemoData: false,
    bot: { devMode: false },
    auth: { devMode: false },
  });
  const storage = openStorage(
    storageAccount({ kind: "connectionString", connectionString: azurite.connectionString }),
    {
      deliveryQueueShards: config.delivery.queueShards,
    },
  );
  await storage.ensure();
  const logs = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  throughline = await composeThroughline(config, { storage, logger: pino({ level: "info" }, logs) });
  server = await new Promise((resolve) => {
    const s = throughline.app.listen(0, "127.0.0.1", () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  throughline.startBackground();
}, 120_000);

afterAll(async () => {
  await throughline?.stop();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await Promise.all([entra?.stop(), connector?.close(), graph?.close()]);
  await azurite?.stop();
}, 60_000);

async function call(token: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    // biome-ignore lint/suspicious/noExplicitAny: the test reads response bodies field by field
    body: (text ? JSON.parse(text) : undefined) as any,
    etag: response.headers.get("etag"),
  };
}

/** Polls until `check` returns something truthy; the machine may be busy, so the limit is generous. */
async function waitFor<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}\n${logLines.slice(-20).join("")}`);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

const cardsIn = (conversationId: string): RecordedActivity[] =>
  connector
    .activities(conversationId)
    .filter((a) => a.method === "POST" && JSON.stringify(a.body.attachments ?? []).includes(CHALLENGE));

describe("the first customer", () => {
  it(
    "goes from an empty store to cards in each manager's chat at their local minute, and a completed card in the tab",
    async () => {
      // 1. The tenant's admin (Entra app role Admin) signs in: the tenant is onboarded, named from the directory.
      const adminToken = await entra.token({
        tenantId: TENANT,
        objectId: admin.objectId,
        name: admin.displayName,
        roles: ["Admin"],
      });
      const me = await call(adminToken, "GET", "/me");
      expect(me.status).toBe(200);
      expect(me.body.roles.admin).toBe(true);
      expect((await call(adminToken, "GET", "/tenant")).body).toMatchObject({
        id: TENANT,
        displayName: "Fabrikam",
        nameFromDirectory: true,
      });
      // A tenant that is not allowed gets nothing, and nothing is created for it.
      const stranger = randomUUID();
      expect(
        (await call(await entra.token({ tenantId: stranger, objectId: randomUUID(), roles: ["Admin"] }), "GET", "/me"))
          .status,
      ).toBe(401);

      // 2. Teams from Teams teams' members, each person's zone from their mailbox; an unknown zone is chosen.
      for (const { manager, team } of [...pilots, { manager: comparison, team: "comparison" }]) {
        const request = {
          teamId: team,
          name: `${manager.displayName}'s team`,
          source: { kind: "teams-team", teamId: `19:${manager.objectId}@thread.tacv2` },
          managerObjectId: manager.objectId,
        };
        const preview = await call(adminToken, "POST", "/team-directory-imports?mode=preview", request);
        expect(preview.status).toBe(200);
        const member = preview.body.people.find((p: { role: string }) => p.role === "member");
        expect(member).toMatchObject({ timeZone: null });
        expect(member.zoneProblem).toMatch(/Mars Standard Time/);
        const saved = await call(adminToken, "POST", "/team-directory-imports?mode=commit", {
          ...request,
          timeZones: { [member.objectId]: "Europe/Paris" },
        });
        expect(saved.status).toBe(201);
      }
      const teams = await call(adminToken, "GET", "/teams");
      expect(teams.body.items).toHaveLength(5);
      for (const { manager, zone, team } of pilots) {
        const read = await call(adminToken, "GET", `/teams/${team}`);
        expect(read.body.manager).toMatchObject({ objectId: manager.objectId, timeZone: zone });
      }

      // 3. A program: one weekly micro-challenge entry per zone, due at the same minute (Berlin's a minute later).
      const kpi = await call(adminToken, "POST", "/kpis", {
        id: "win-rate",
        name: "Win rate",
        unit: "%",
        direction: "higher_is_better",
        baseline: { value: 28, date: localDate(new Date(due.getTime() - 30 * 86_400_000), "UTC") },
        target: { value: 34, date: localDate(new Date(due.getTime() + 90 * 86_400_000), "UTC") },
        level: "team",
      });
      expect(kpi.status).toBe(201);
      const entries = pilots.map(({ zone, team, manager }) => {
        const slot = slotOf(zone, manager === berlin ? berlinDue : due);
        return {
          id: `challenge-${team}`,
          assetId: "challenge",
          audience: "managers",
          cadence: { kind: "weekly", weekdays: [isoWeekday(slot.date)], everyWeeks: 1, fromWeek: 1 },
          localTime: slot.time,
        };
      });
      const program = await call(adminToken, "POST", "/programs", {
        id: "discovery",
        name: "Discovery that wins",
        outcomeKpiId: "win-rate",
        window: {
          start: localDate(new Date(due.getTime() - 86_400_000), "UTC"),
          end: localDate(new Date(due.getTime() + 60 * 86_400_000), "UTC"),
        },
        teams: [
          ...pilots.map((p) => ({ teamId: p.team, role: "pilot" })),
          { teamId: "comparison", role: "comparison" },
        ],
        chain: {
          skills: [{ id: "discovery", name: "Needs discovery", description: "" }],
          behaviours: [
            {
              id: "open-questions",
              name: "Asks open discovery questions",
              skillIds: ["discovery"],
              rubric: { levels: ["Not yet", "Sometimes", "Consistently"] },
              kpiIds: ["win-rate"],
            },
          ],
        },
        // Every manager has the four entries (one per pilot's local minute) on their local day, some of them later
        // than their own minute: a cap of four, so each manager's own minute is never capped away.
        schedule: { entries, quietHours: null, maxPerPersonPerDay: 4, spacingDays: [] },
      });
      expect(program.status).toBe(201);
      const asset = await call(adminToken, "POST", "/programs/discovery/assets", {
        id: "challenge",
        title: CHALLENGE,
        kind: "micro_challenge",
        behaviourIds: ["open-questions"],
        content: { task: "On your next call, ask one more open question than usual.", reflectionPrompt: "" },
      });
      expect(asset.status).toBe(201);

      // New York's manager found the app herself before the program started.
      await connector.installEvent({
        endpoint: `${base}/api/messages`,
        action: "add",
        tenantId: TENANT,
        objectId: newYork.objectId,
        name: newYork.displayName,
        timeZone: "America/New_York",
      });

      const activated = await call(adminToken, "POST", "/programs/discovery/transition", { to: "active" });
      expect(activated.status).toBe(200);

      // 4. Participants without a conversation get the app through Graph; Teams sends the install events.
      const reach = await waitFor(
        "every pilot manager to be reachable",
        async () => {
          const report = await call(adminToken, "GET", "/programs/discovery/reach");
          return report.body.counts.reachable === 4 && report.body;
        },
        90_000,
      );
      expect(reach.people.map((p: { displayName: string; status: string }) => p.status)).toEqual([
        "reachable",
        "reachable",
        "reachable",
        "reachable",
      ]);
      for (const manager of [london, kolkata, berlin])
        expect(graph.installed(TENANT, manager.objectId)).toEqual([CATALOGUE_ID]);
      expect(graph.installed(TENANT, newYork.objectId)).toEqual([]);
      expect(graph.installed(TENANT, comparison.objectId)).toEqual([]);
      for (const m of members) expect(graph.installed(TENANT, m.objectId)).toEqual([]);

      // 5. Berlin's manager removes the app once her card is planned and before it is due.
      await waitFor(
        "the four cards to be planned",
        async () => (await call(adminToken, "GET", "/programs/discovery/deliveries")).body.counts.scheduled >= 4,
        60_000,
      );
      expect(Date.now()).toBeLessThan(berlinDue.getTime());
      await connector.installEvent({
        endpoint: `${base}/api/messages`,
        action: "remove",
        tenantId: TENANT,
        objectId: berlin.objectId,
        name: berlin.displayName,
      });

      // 6. Each other pilot manager's card reaches Teams at its local minute; nobody else gets one.
      for (const { manager, zone } of pilots.filter((p) => p.manager !== berlin)) {
        const [card] = await waitFor(
          `${manager.displayName}'s card`,
          async () => {
            const cards = cardsIn(personalChatId(manager.objectId));
            return cards.length > 0 && cards;
          },
          due.getTime() - Date.now() + 180_000,
        );
        // Never before its local minute. The manager's only slot for hours is that minute, so a card within a
        // generous window after it is the card for that minute (how late it came is a benchmark's concern).
        expect(card?.at).toBeGreaterThanOrEqual(
          zonedTimeToUtc(slotOf(zone, due).date, slotOf(zone, due).time, zone).getTime(),
        );
        expect(card?.at).toBeLessThan(due.getTime() + 5 * 60_000);
      }
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, berlinDue.getTime() + 20_000 - Date.now())));
      expect(cardsIn(personalChatId(berlin.objectId))).toEqual([]);
      expect(cardsIn(personalChatId(comparison.objectId))).toEqual([]);
      for (const { manager } of pilots.filter((p) => p.manager !== berlin))
        expect(cardsIn(personalChatId(manager.objectId))).toHaveLength(1);
      const report = await call(adminToken, "GET", "/programs/discovery/deliveries");
      expect(report.body.counts).toMatchObject({ sent: 3, expired: 1 });
      const berlinReach = (await call(adminToken, "GET", "/programs/discovery/reach")).body.people.find(
        (p: { objectId: string }) => p.objectId === berlin.objectId,
      );
      expect(berlinReach).toMatchObject({ status: "uninstalled" });
      expect(berlinReach.reason).toMatch(/^removed the app on \d{1,2} [A-Z][a-z]{2}$/);

      // 7. London's manager completes the card in Teams; the card updates in place and the tab shows it.
      const [card] = cardsIn(personalChatId(london.objectId));
      if (!card) throw new Error("London's card is gone");
      const attachment = (
        card.body.attachments as { content: { actions: { title: string; verb: string; data: unknown }[] } }[]
      )[0];
      const done = attachment?.content.actions.find((a) => a.title === "Done");
      if (!done) throw new Error("the card has no Done action");
      const clicked = await connector.send(`${base}/api/messages`, {
        type: "invoke",
        name: "adaptiveCard/action",
        channelId: "msteams",
        from: { id: `29:${london.objectId}`, aadObjectId: london.objectId, name: london.displayName },
        conversation: { id: personalChatId(london.objectId), conversationType: "personal", tenantId: TENANT },
        channelData: { tenant: { id: TENANT } },
        replyToId: card?.activityId,
        value: { action: { type: "Action.Execute", verb: done.verb, data: done.data }, trigger: "manual" },
      });
      expect(clicked.status).toBe(200);
      expect(JSON.stringify(clicked.body)).toMatch(/Done/);
      const managerToken = await entra.token({ tenantId: TENANT, objectId: london.objectId, name: london.displayName });
      const dashboard = await waitFor(
        "the tab to show the completed challenge",
        async () => {
          const view = await call(managerToken, "GET", "/teams/london/dashboard");
          return view.body.programs?.[0]?.challenges?.done === 1 && view.body;
        },
        30_000,
      );
      expect(dashboard.programs[0].challenges).toMatchObject({ done: 1, sent: 1 });
      expect(logLines.filter((l) => /"level":(50|60)/.test(l))).toEqual([]);
    },
    15 * 60_000,
  );
});
