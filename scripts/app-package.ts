import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { AppManifestUtils } from "@microsoft/app-manifest";
import JSZip from "jszip";
import type { Config } from "../src/config.js";
import { pngHeader } from "./png.js";

const appPackageDir = new URL("../appPackage/", import.meta.url);

/** What the icons must be, as Teams requires them. */
export const iconSizes = { "color.png": 192, "outline.png": 32 } as const;

/** Agents Toolkit placeholders (${{NAME}}) in the manifest template, filled from config. */
export function placeholdersFrom(config: Pick<Config, "bot" | "teamsApp" | "auth">): Record<string, string> {
  const base = new URL(config.teamsApp.baseUrl);
  return {
    TEAMS_APP_ID: config.teamsApp.appId,
    // Without BOT_ID (dev mode) the package is for local tools only; Teams needs the bot's real app id.
    BOT_ID: config.bot.appId || config.teamsApp.appId,
    APP_BASE_URL: config.teamsApp.baseUrl,
    APP_DOMAIN: base.hostname,
    // The tab's SSO / nested app authentication: the app registration the API checks tokens for.
    AUTH_CLIENT_ID: config.auth.clientId,
    AUTH_APP_ID_URI: config.auth.appIdUri,
  };
}

export async function buildManifest(
  config: Pick<Config, "bot" | "teamsApp" | "auth">,
): Promise<Record<string, unknown>> {
  const template = await readFile(new URL("manifest.json", appPackageDir), "utf8");
  const values = placeholdersFrom(config);
  const filled = template.replace(/\$\{\{([A-Z_]+)\}\}/g, (whole, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`appPackage/manifest.json: no value for ${whole}`);
    return JSON.stringify(value).slice(1, -1);
  });
  return JSON.parse(filled) as Record<string, unknown>;
}

/** The official Teams schema for the manifest's version, from the package (never fetched). */
export async function localSchemaFor(manifest: Record<string, unknown>): Promise<Record<string, unknown>> {
  const version = String(manifest.manifestVersion);
  const entry = createRequire(import.meta.url).resolve("@microsoft/app-manifest");
  const file = join(dirname(entry), "json-schemas", "teams", `v${version}`, "MicrosoftTeams.schema.json");
  const raw = await readFile(file, "utf8");
  return JSON.parse(raw.replace(/\\a/g, "\\u0007").replace(/\\v/g, "\\u000b")) as Record<string, unknown>;
}

/** Every problem with the package: schema errors, and icons missing or of the wrong size. */
export async function packageProblems(manifest: Record<string, unknown>): Promise<string[]> {
  const schema = await localSchemaFor(manifest);
  const problems = await AppManifestUtils.validateAgainstSchema(
    manifest as unknown as Parameters<typeof AppManifestUtils.validateAgainstSchema>[0],
    schema as unknown as Parameters<typeof AppManifestUtils.validateAgainstSchema>[1],
  );
  const icons = manifest.icons as { color?: string; outline?: string } | undefined;
  for (const [role, size] of [
    ["color", iconSizes["color.png"]],
    ["outline", iconSizes["outline.png"]],
  ] as const) {
    const name = icons?.[role];
    if (!name) continue;
    try {
      const { width, height } = pngHeader(await readFile(new URL(name, appPackageDir)));
      if (width !== size || height !== size)
        problems.push(`icons.${role}: ${name} is ${width}×${height}, must be ${size}×${size}`);
    } catch (error) {
      problems.push(`icons.${role}: ${name}: ${(error as Error).message}`);
    }
  }
  return problems;
}

/** The app package Teams installs: the filled manifest and its two icons, zipped at the root. */
export async function zipAppPackage(manifest: Record<string, unknown>): Promise<Buffer> {
  const zip = new JSZip();
  zip.file("manifest.json", `${JSON.stringify(manifest, null, 2)}\n`);
  for (const name of Object.keys(iconSizes)) zip.file(name, await readFile(new URL(name, appPackageDir)));
  return zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE" });
}
