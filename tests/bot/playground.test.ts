import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { createServer } from "node:net";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBotAdapter, ProactiveMessenger, renderDeliveryCard } from "../../bot/index.js";
import { DEMO_MANAGER, DEMO_TENANT_ID, WIN_RATE_PILOT } from "../../src/demo/index.js";
import { type RunningAzurite, startAzurite } from "../../src/dev/azurite.js";
import { type Asset, type Delivery, transitionDelivery } from "../../src/domain/index.js";
import { openStorage, type Storage, storageAccount } from "../../src/storage/index.js";
import { workerFor } from "../delivery/support.js";
import { aDelivery } from "../support/fixtures.js";

const CHROMIUM = "/usr/bin/chromium";
const shots = new URL("../../.artifacts/playground/", import.meta.url);
const T = DEMO_TENANT_ID;
const manager = DEMO_MANAGER.objectId;

let azurite: RunningAzurite;
let storage: Storage;
let app: ChildProcess;
let output = "";
let playgroundUrl: string;
let browser: Browser;
let page: Page;

async function freePort(): Promise<number> {
  const server = createServer().listen(0);
  await new Promise((resolve) => server.once("listening", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Generous limits for a busy machine: they catch a hang, not slowness (the steps assert no speed). */
const WAIT_MS = 120_000;

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = WAIT_MS): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${output.slice(-2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function say(text: string) {
  const box = page.locator("[data-lexical-editor=true]");
  await box.click();
  await page.keyboard.type(text);
  await page.keyboard.press("Enter");
}

const shot = (name: string) => page.screenshot({ path: new URL(`${name}.png`, shots).pathname });

/**
 * The README's run command with a real client we did not write: `npm start` launches the app and the
 * Microsoft 365 Agents Playground signed in as the demo manager; headless Chromium drives the chat.
 */
describe.skipIf(!existsSync(CHROMIUM))("the Agents Playground against npm start", { timeout: 3 * WAIT_MS }, () => {
  beforeAll(async () => {
    await mkdir(shots, { recursive: true });
    azurite = await startAzurite();
    storage = openStorage(storageAccount({ kind: "connectionString", connectionString: azurite.connectionString }));
    app = spawn(process.execPath, ["--import", "tsx", "src/main.ts", "--dev"], {
      env: {
        ...process.env,
        NODE_ENV: "development",
        PORT: "0",
        LOG_LEVEL: "warn",
        STORAGE_CONNECTION_STRING: azurite.connectionString,
        SEED_DEMO_DATA: "true",
        BOT_DEV_MODE: "true",
        PLAYGROUND: "true",
        // Only the cards this test sends: the scheduled pipeline would add its own to the chat.
        DELIVERY_WORKERS: "false",
        PLAYGROUND_PORT: String(await freePort()),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    app.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    app.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    playgroundUrl = await until(
      "the playground address",
      async () => {
        if (app.exitCode !== null) throw new Error(`npm start exited: ${output}`);
        return output.match(/playground (http:\/\/localhost:\d+)/)?.[1];
      },
      3 * WAIT_MS,
    );
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    // Playwright's own waits (waitFor, click) default to 30 s, less than a loaded machine can need.
    page.setDefaultTimeout(WAIT_MS);
  }, 5 * WAIT_MS);

  afterAll(async () => {
    await browser?.close();
    if (app && app.exitCode === null) {
      const exited = new Promise((resolve) => app.once("exit", resolve));
      app.kill("SIGTERM");
      await exited;
    }
    await azurite?.stop();
  });

  /** Sends one of the demo program's assets to the demo manager now, as the worker would, and records it sent. */
  async function sendDemoCard(assetId: string, scheduleEntryId: string): Promise<{ delivery: Delivery; asset: Asset }> {
    const [conversation, team, program, asset] = await Promise.all([
      storage.conversations.get(T, manager),
      storage.teams.get(T, DEMO_MANAGER.teamId),
      storage.programs.get(T, WIN_RATE_PILOT.programId),
      storage.assets.get(T, WIN_RATE_PILOT.programId, assetId),
    ]);
    if (!conversation || !team || !program || !asset) throw new Error("demo data missing");
    const now = new Date();
    const scheduled = await storage.deliveries.create(
      aDelivery(T, manager, now, { programId: program.value.id, assetId, scheduleEntryId, teamId: team.value.id }),
    );
    const card = renderDeliveryCard(scheduled.value, asset.value, { team: team.value, program: program.value });
    const messenger = new ProactiveMessenger(createBotAdapter(devBot()), "");
    const { activityId } = await messenger.send(conversation.value, card);
    const sent = transitionDelivery(scheduled.value, "sent", now, {
      activityId,
      conversationId: conversation.value.conversationId,
    });
    return { delivery: (await storage.deliveries.save(sent, scheduled.etag)).value, asset: asset.value };
  }

  it("prints both addresses", () => {
    expect(output).toMatch(/playground http:\/\/localhost:\d+ .*signed in as Amelia Clarke/);
    expect(output).toMatch(/tab {8}http:\/\/localhost:\d+\/tab/);
  });

  it("opening the personal chat installs the bot: the conversation is stored and the welcome card, queued, shows", async () => {
    await page.goto(playgroundUrl);
    await page.getByText("Personal Chat").first().click();
    const conversation = await until(
      "the stored conversation",
      async () => (await storage.conversations.get(T, manager))?.value,
    );
    expect(conversation).toMatchObject({ tenantId: T, objectId: manager, reachable: true });
    expect(conversation.serviceUrl).toContain(new URL(playgroundUrl).port);
    // The welcome waits on the delivery queue for a worker (the app's are off here): one runs it out.
    const worker = workerFor(storage, new ProactiveMessenger(createBotAdapter(devBot()), ""));
    await until(
      "the welcome sent",
      async () => ((await worker.runOnce()) > 0 || worker.counts.sent > 0 ? true : undefined),
      60_000,
    );
    await page.getByText("I'm Throughline").first().waitFor();
  });

  it("help shows the welcome card", async () => {
    await say("help");
    await page.getByText("Hi Amelia — I'm Throughline").waitFor();
    await shot("1-help");
  });

  let challenge: Delivery;
  it("a delivery card sent through the proactive messenger appears in the chat", async () => {
    ({ delivery: challenge } = await sendDemoCard("challenge-count-questions", "weekly-challenge-a"));
    await page.getByText("Count the open questions").first().waitFor();
    await shot("2-proactive-challenge");
  });

  it("what's due lists the week", async () => {
    await say("what's due");
    await page.getByText(/^Due this week/).waitFor();
    const due = page.locator(".ac-adaptiveCard").last();
    await expect.poll(() => due.innerText(), { timeout: WAIT_MS }).toContain("Count the open questions");
    expect(await due.innerText()).toContain("To do");
    await shot("3-whats-due");
  });

  it("clicking Done on the challenge updates that card in place and records the completion", async () => {
    const cards = await page.locator(".ac-adaptiveCard").count();
    await page.getByRole("button", { name: "Done", exact: true }).click();
    await page.getByText(/Done — \d+ \w{3}/).waitFor();
    expect(await page.locator(".ac-adaptiveCard").count()).toBe(cards);
    expect(await page.getByRole("button", { name: "Done", exact: true }).count()).toBe(0);
    const completion = await until("the completion", () => storage.challengeCompletions.get(T, manager, challenge.id));
    expect(completion.outcome).toBe("done");
    expect((await storage.deliveries.get(T, manager, challenge.id))?.value.status).toBe("completed");
    await shot("4-challenge-done");
  });

  it("an observation checklist filled for two members is recorded", async () => {
    await say("log observation");
    await page.getByRole("button", { name: "Record observations" }).waitFor();
    const checklist = page.locator(".ac-adaptiveCard").last();
    const ratings = checklist.getByRole("combobox");
    await ratings.nth(0).click();
    await page.getByRole("option", { name: "Consistently" }).click();
    await ratings.nth(2).click();
    await page.getByRole("option", { name: "Sometimes" }).click();
    await shot("5-checklist-filled");
    await page.getByRole("button", { name: "Record observations" }).click();
    await page.getByText("2 observations recorded").waitFor();
    await shot("6-checklist-recorded");

    const recorded = await until("the observations", async () => {
      const latest = await storage.observations.latest(T, DEMO_MANAGER.teamId, { pageSize: 20 });
      const fromChat = latest.items.filter((o) => o.deliveryId !== null && o.managerObjectId === manager);
      return fromChat.length === 2 ? fromChat : undefined;
    });
    expect(recorded.map((o) => o.levelIndex).sort()).toEqual([1, 2]);
    expect(new Set(recorded.map((o) => o.memberObjectId)).size).toBe(2);
  });

  it("my team and a refused command render their cards", async () => {
    await say("my team");
    await page.getByText("Enterprise EMEA").last().waitFor();
    await expect
      .poll(() => page.locator(".ac-adaptiveCard").last().innerText(), { timeout: WAIT_MS })
      .toContain("Asks open discovery questions: ");
    await page
      .locator(".ac-adaptiveCard")
      .last()
      .screenshot({ path: new URL("7-my-team.png", shots).pathname });
    await say("pause 500 days");
    await page.getByText("I can pause for 1 to 90 days").waitFor();
    await page
      .locator(".ac-adaptiveCard")
      .last()
      .screenshot({ path: new URL("8-error.png", shots).pathname });
  });

  it("the talk track, conversation guide, nudge and skills check cards render", async () => {
    const [conversation, team, program, assets] = await Promise.all([
      storage.conversations.get(T, manager),
      storage.teams.get(T, DEMO_MANAGER.teamId),
      storage.programs.get(T, WIN_RATE_PILOT.programId),
      storage.assets.all(T, WIN_RATE_PILOT.programId),
    ]);
    if (!conversation || !team || !program) throw new Error("demo data missing");
    const messenger = new ProactiveMessenger(createBotAdapter(devBot()), "");
    const gallery = [
      ["talk-track-discovery", "monday-talk-track", "Monday huddle: discovery before pitch"],
      ["guide-discovery-coaching", "coaching-guide", "1:1 coaching on discovery"],
      ["nudge-open-question", "nudge-tuesday", "Try an open question"],
      ["skills-check-discovery", "skills-check-post", "Discovery skills check"],
    ] as const;
    for (const [i, [assetId, scheduleEntryId, title]] of gallery.entries()) {
      const asset = assets.find((a) => a.id === assetId);
      if (!asset) throw new Error(`no asset ${assetId}`);
      const now = new Date();
      // Not stored: these cards are only looked at, never answered, in this test.
      const delivery = aDelivery(T, manager, now, {
        programId: program.value.id,
        assetId,
        scheduleEntryId,
        teamId: team.value.id,
        status: "sent",
        attempts: 1,
        sentAt: now.toISOString(),
      });
      await messenger.send(
        conversation.value,
        renderDeliveryCard(delivery, asset, { team: team.value, program: program.value }),
      );
      await page.getByText(title).last().waitFor();
      const card = page.locator(".ac-adaptiveCard").last();
      await expect.poll(() => card.innerText(), { timeout: WAIT_MS }).toContain(title);
      await card.screenshot({ path: new URL(`${9 + i}-${assetId}.png`, shots).pathname });
    }
  });

  it("opens an item's card again from the list, and marks a talk track used from it", async () => {
    const { delivery: sent, asset } = await sendDemoCard("talk-track-discovery", "monday-talk-track");
    const title = asset.title;

    await say("what's due");
    const list = page.locator(".ac-adaptiveCard").filter({ hasText: "Due this week" }).last();
    await expect.poll(() => list.innerText()).toContain(title);
    const item = list.locator(".ac-container").filter({ hasText: title });
    const cards = await page.locator(".ac-adaptiveCard").count();
    await item.getByRole("button", { name: "Open the talk track" }).first().click();
    await expect.poll(() => page.locator(".ac-adaptiveCard").count()).toBe(cards + 1);
    await expect.poll(() => page.locator(".ac-adaptiveCard").last().innerText()).toContain(title);
    await shot("13-due-opened");

    const refreshed = page.locator(".ac-adaptiveCard").filter({ hasText: "Due this week" }).last();
    await refreshed
      .locator(".ac-container")
      .filter({ hasText: title })
      .getByRole("button", { name: "Mark as used" })
      .first()
      .click();
    await page.getByText(`Done: ${title}`).waitFor();
    await shot("14-due-marked-used");
    const stored = await until("the completed talk track", async () => {
      const row = await storage.deliveries.get(T, manager, sent.id);
      return row?.value.status === "completed" ? row.value : undefined;
    });
    expect(stored.completedAt).not.toBeNull();
  });
});

function devBot() {
  return {
    appId: "",
    appPassword: "",
    appType: "MultiTenant" as const,
    appTenantId: "",
    devMode: true,
    loginUrl: "https://login.microsoftonline.com/",
    openIdMetadataUrl: "https://login.botframework.com/v1/.well-known/openidconfiguration",
    channelIssuer: "https://api.botframework.com",
    allowedTenantIds: [T],
  };
}
