import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildManifest } from "../../scripts/app-package.js";
import { composeThroughline } from "../../src/composition.js";
import type { Config } from "../../src/config.js";
import { testStorage } from "../support/storage.js";
import { testConfig } from "../support/test-config.js";

const clientId = "6a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d";
let server: Server;
let base: string;
let config: Config;

beforeAll(async () => {
  config = testConfig({
    AUTH_CLIENT_ID: clientId,
    BOT_DEV_MODE: "true",
    PRIVACY_MIN_GROUP_SIZE: "7",
    APP_BASE_URL: "https://throughline.contoso.example",
  });
  const { app } = await composeThroughline(config, { storage: await testStorage(), logger: pino({ level: "silent" }) });
  server = await new Promise((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe("the pages the manifest links to", () => {
  it("serves the privacy statement and terms at the manifest's privacyUrl and termsOfUseUrl", async () => {
    const manifest = await buildManifest(config);
    const developer = manifest.developer as { privacyUrl: string; termsOfUseUrl: string };
    for (const url of [developer.privacyUrl, developer.termsOfUseUrl]) {
      const res = await fetch(`${base}${new URL(url).pathname}`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/text\/html/);
      const html = await res.text();
      // The privacy minimum in force, not a number written into the page.
      expect(html).toContain("fewer than <b>7</b> people");
    }
    const privacy = await (await fetch(`${base}/privacy`)).text();
    for (const fact of ["Entra object id", "time zone", "removed the app", "exported or erased", "observations"])
      expect(privacy).toContain(fact);
  });

  it("tells the tab which app registration and scope to ask Entra for", async () => {
    const res = await fetch(`${base}/api/v1/sign-in`);
    expect(await res.json()).toEqual({
      clientId,
      scope: `api://throughline.contoso.example/${clientId}/access_as_user`,
    });
  });
});
