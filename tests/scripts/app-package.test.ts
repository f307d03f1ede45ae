import { execFile } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import JSZip from "jszip";
import { describe, expect, it } from "vitest";
import { buildManifest, iconSizes, packageProblems, zipAppPackage } from "../../scripts/app-package.js";
import { decodeRgbaPng, pngHeader } from "../../scripts/png.js";
import { loadConfig } from "../../src/config.js";

const botId = "6a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d";
const config = loadConfig({
  NODE_ENV: "development",
  BOT_ID: botId,
  BOT_PASSWORD: "secret",
  AUTH_CLIENT_ID: botId,
  TEAMS_APP_ID: "11111111-2222-4333-8444-555555555555",
  APP_BASE_URL: "https://throughline.contoso.example/",
  ALLOWED_TENANT_IDS: "0f6b5c7e-1d2a-4b3c-8d4e-5f6a7b8c9d0e",
});

describe("the Teams app package", () => {
  it("fills every placeholder from config and validates against the official Teams schema, offline", async () => {
    const manifest = await buildManifest(config);
    expect(JSON.stringify(manifest)).not.toContain("${{");
    expect(manifest.id).toBe("11111111-2222-4333-8444-555555555555");
    expect(manifest.validDomains).toEqual(["throughline.contoso.example"]);
    const [bot] = manifest.bots as { botId: string; scopes: string[] }[];
    expect(bot).toMatchObject({ botId, scopes: ["personal", "team"] });
    const [tab] = manifest.staticTabs as { entityId: string; contentUrl: string; scopes: string[] }[];
    expect(tab).toMatchObject({
      entityId: "home",
      contentUrl: "https://throughline.contoso.example/tab/",
      scopes: ["personal"],
    });
    expect(await packageProblems(manifest)).toEqual([]);
  });

  it("declares the tab's sign-in (webApplicationInfo with nested app authentication) on the newest schema shipped", async () => {
    const manifest = await buildManifest(config);
    const shipped = await readdir(
      join(dirname(createRequire(import.meta.url).resolve("@microsoft/app-manifest")), "json-schemas", "teams"),
    );
    const newest = shipped
      .filter((v) => /^v1\.\d+$/.test(v))
      .map((v) => Number(v.slice(3)))
      .sort((a, b) => b - a)[0];
    expect(manifest.manifestVersion).toBe(`1.${newest}`);
    expect(manifest.webApplicationInfo).toEqual({
      id: botId,
      resource: `api://throughline.contoso.example/${botId}`,
      nestedAppAuthInfo: [
        {
          redirectUri: "brk-multihub://throughline.contoso.example",
          scopes: [`api://throughline.contoso.example/${botId}/access_as_user`],
        },
      ],
    });
    expect(await packageProblems(manifest)).toEqual([]);
    const broken = { ...manifest, webApplicationInfo: { id: "not-a-guid", resource: "api://x" } };
    expect((await packageProblems(broken)).join("\n")).toMatch(/webApplicationInfo/);
  });

  it("reports schema problems", async () => {
    const manifest = await buildManifest(config);
    const broken = { ...manifest, accentColor: "purple", bots: [{ scopes: ["everywhere"] }] };
    const problems = await packageProblems(broken);
    expect(problems.join("\n")).toMatch(/accentColor/);
    expect(problems.join("\n")).toMatch(/botId/);
  });

  it("reports an icon that is missing or of the wrong size", async () => {
    const manifest = await buildManifest(config);
    const problems = await packageProblems({ ...manifest, icons: { color: "outline.png", outline: "missing.png" } });
    expect(problems).toContain("icons.color: outline.png is 32×32, must be 192×192");
    expect(problems.some((p) => p.startsWith("icons.outline: missing.png"))).toBe(true);
  });

  it("has a 192×192 colour icon and a 32×32 outline icon that is white on transparent", async () => {
    for (const [name, size] of Object.entries(iconSizes)) {
      const header = pngHeader(await readFile(new URL(`../../appPackage/${name}`, import.meta.url)));
      expect(header).toMatchObject({ width: size, height: size });
    }
    const outline = decodeRgbaPng(await readFile(new URL("../../appPackage/outline.png", import.meta.url)));
    const colours = new Set<string>();
    for (let i = 0; i < outline.pixels.length; i += 4) colours.add(outline.pixels.subarray(i, i + 4).join(","));
    expect([...colours].sort()).toEqual(["0,0,0,0", "255,255,255,255"]);
  });

  it("zips the manifest and both icons at the root", async () => {
    const manifest = await buildManifest(config);
    const zip = await JSZip.loadAsync(await zipAppPackage(manifest));
    expect(Object.keys(zip.files).sort()).toEqual(["color.png", "manifest.json", "outline.png"]);
    expect(JSON.parse((await zip.file("manifest.json")?.async("string")) ?? "")).toEqual(manifest);
  });

  it("npm run package writes the zip into the git-ignored dist folder", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "scripts/package-app.ts"], {
      env: {
        ...process.env,
        NODE_ENV: "test",
        BOT_ID: botId,
        BOT_PASSWORD: "secret",
        ALLOWED_TENANT_IDS: "0f6b5c7e-1d2a-4b3c-8d4e-5f6a7b8c9d0e",
      },
    });
    expect(stdout).toMatch(/dist\/appPackage\/throughline-test\.zip/);
    const zip = await JSZip.loadAsync(
      await readFile(new URL("../../dist/appPackage/throughline-test.zip", import.meta.url)),
    );
    expect(JSON.parse((await zip.file("manifest.json")?.async("string")) ?? "").bots[0].botId).toBe(botId);
  });
});
