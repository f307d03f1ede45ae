import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { envSchema, loadConfig } from "../../src/config.js";
import { type SettingName, settingDocs } from "../../src/config-reference.js";

const read = (path: string) => readFile(new URL(`../../${path}`, import.meta.url), "utf8");

/** Settings App Service or the Azure SDK read, not the app's configuration. */
const PLATFORM_SETTINGS = new Set(["AZURE_CLIENT_ID", "SCM_DO_BUILD_DURING_DEPLOYMENT"]);

/** What a deployment's parameters would put in settings whose value the template computes. */
const SAMPLES: Record<string, string> = {
  STORAGE_ACCOUNT_NAME: "throughline0a1b2c3d",
  AZURE_CLIENT_ID: "5b1e0c4a-9f3d-4e2b-8a7c-6d5e4f3a2b1c",
  BOT_ID: "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0",
  BOT_TYPE: "SingleTenant",
  BOT_TENANT_ID: "72f988bf-86f1-41af-91ab-2d7cd011db47",
  ALLOWED_TENANT_IDS: "72f988bf-86f1-41af-91ab-2d7cd011db47,9188040d-6c67-4c5b-b112-36a304b66dad",
  AUTH_CLIENT_ID: "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0",
  AUTH_APP_ID_URI: "api://throughline-a1b2c3.azurewebsites.net/0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0",
  TEAMS_APP_ID: "6c2f7e1d-3a4b-4c5d-8e9f-0a1b2c3d4e5f",
  APP_BASE_URL: "https://throughline-a1b2c3.azurewebsites.net",
  APPLICATIONINSIGHTS_CONNECTION_STRING:
    "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/",
  SHUTDOWN_TIMEOUT_SECONDS: "20",
};
/** What App Service puts in place of a Key Vault reference: the secret itself. */
const SECRETS: Record<string, string> = {
  BOT_PASSWORD: "a-client-secret-from-key-vault",
  API_KEY_PEPPER: "a-pepper-from-key-vault-0123456789abcdef",
};

/** The app settings infra/modules/app.bicep declares: NAME → the Bicep expression of its value. */
async function bicepAppSettings(): Promise<Map<string, string>> {
  const bicep = await read("infra/modules/app.bicep");
  const block = bicep.match(
    /resource appSettings 'Microsoft\.Web\/sites\/config@[^']+' = \{[\s\S]*?properties: \{([\s\S]*?)\n {2}\}/,
  );
  if (!block?.[1]) throw new Error("infra/modules/app.bicep declares no appSettings resource");
  const settings = new Map<string, string>();
  for (const line of block[1].split("\n")) {
    const setting = line.match(/^\s*([A-Z][A-Z0-9_]*): (.+)$/);
    if (setting?.[1] && setting[2]) settings.set(setting[1], setting[2].trim());
  }
  return settings;
}

const KEY_VAULT_REFERENCE = /^'@Microsoft\.KeyVault\(SecretUri=\$\{\w+\}\)'$/;

/** The environment an instance would see: literals as written, Key Vault references resolved, the rest sampled. */
function environmentOf(settings: Map<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, expression] of settings) {
    const literal = expression.match(/^'([^'$]*)'$/);
    if (KEY_VAULT_REFERENCE.test(expression)) env[name] = SECRETS[name] ?? "";
    else if (literal) env[name] = literal[1] ?? "";
    else if (SAMPLES[name] !== undefined) env[name] = SAMPLES[name];
    else throw new Error(`no sample value for ${name} = ${expression}: add one to this test`);
  }
  return env;
}

describe("infra/ starts the app it deploys", () => {
  it("sets every setting production requires or must not leave at its development default", async () => {
    const settings = await bicepAppSettings();
    const needed = (Object.keys(settingDocs) as SettingName[]).filter((name) => settingDocs[name].production);
    expect(needed.filter((name) => !settings.has(name))).toEqual([]);
  });

  it("sets only settings the app (or the platform) reads", async () => {
    const known = new Set(Object.keys(envSchema.shape));
    const settings = await bicepAppSettings();
    expect([...settings.keys()].filter((name) => !known.has(name) && !PLATFORM_SETTINGS.has(name))).toEqual([]);
  });

  it("keeps the secrets in Key Vault, read as references with the app's managed identity", async () => {
    const settings = await bicepAppSettings();
    const secrets = (Object.keys(settingDocs) as SettingName[]).filter((n) => settingDocs[n].production === "secret");
    expect(secrets.sort()).toEqual(["API_KEY_PEPPER", "BOT_PASSWORD"]);
    for (const name of secrets) expect(settings.get(name), name).toMatch(KEY_VAULT_REFERENCE);
    const app = await read("infra/modules/app.bicep");
    expect(app).toContain("keyVaultReferenceIdentity: identityId");
    const vault = await read("infra/modules/keyvault.bicep");
    expect(vault).toContain("enableRbacAuthorization: true");
    // Key Vault Secrets User, for the app's identity.
    expect(vault).toContain("4633458b-17de-408a-b874-0445c86b69e6");
  });

  it("passes the configuration's own production checks with what it sets", async () => {
    const config = loadConfig(environmentOf(await bicepAppSettings()));
    expect(config.env).toBe("production");
    expect(config.storage).toEqual({ kind: "account", accountName: SAMPLES.STORAGE_ACCOUNT_NAME });
    expect(config.bot).toMatchObject({ appId: SAMPLES.BOT_ID, appType: "SingleTenant", devMode: false });
    expect(config.auth.devMode).toBe(false);
    expect(config.apiKeyPepper).toBe(SECRETS.API_KEY_PEPPER);
    expect(config.teamsApp).toEqual({ appId: SAMPLES.TEAMS_APP_ID, baseUrl: SAMPLES.APP_BASE_URL });
    expect(config.telemetry.applicationInsightsConnectionString).toBe(SAMPLES.APPLICATIONINSIGHTS_CONNECTION_STRING);
  });

  it("checks health on /readyz, runs node itself, and takes the instance count as a parameter", async () => {
    const app = await read("infra/modules/app.bicep");
    expect(app).toContain("healthCheckPath: '/readyz'");
    const serve = (JSON.parse(await read("package.json")) as { scripts: { serve: string } }).scripts.serve;
    expect(app).toContain(`appCommandLine: '${serve}'`);
    expect(app).toMatch(/sku: \{ name: planSku, capacity: instances \}/);
    const main = await read("infra/main.bicep");
    expect(main).toMatch(/param instances int = \d+/);
    expect(main).toContain("instances: instances");
    const monitoring = await read("infra/modules/monitoring.bicep");
    expect(monitoring).toContain("WorkspaceResourceId: workspace.id");
  });
});

describe("the Agents Toolkit project files", () => {
  const placeholders = (text: string) => [...text.matchAll(/\$\{\{([A-Z0-9_]+)\}\}/g)].map((m) => m[1] ?? "");
  const declared = (envFile: string) =>
    new Set([...envFile.matchAll(/^([A-Z0-9_]+)=/gm)].map((m) => m[1] ?? "").concat(["TEAMSFX_ENV"]));
  /** Secrets live in env/.env.{env}.user, which is never committed; the env file's comments name them. */
  const secretNamed = (envFile: string, name: string) => name.startsWith("SECRET_") && envFile.includes(name);

  it("env/.env.dev declares every variable infra's parameters and the dev project file read", async () => {
    const envFile = await read("env/.env.dev");
    const names = new Set([
      ...placeholders(await read("infra/main.parameters.json")),
      ...placeholders(await read("m365agents.yml")),
    ]);
    const known = declared(envFile);
    // Built into the toolkit, or written by a step before use.
    for (const builtIn of ["AZURE_SUBSCRIPTION_ID", "AZURE_RESOURCE_GROUP_NAME"]) expect(known.has(builtIn)).toBe(true);
    expect([...names].filter((name) => !known.has(name) && !secretNamed(envFile, name))).toEqual([]);
  });

  it("env/.env.local declares every variable the local project file reads", async () => {
    const envFile = await read("env/.env.local");
    const local = await read("m365agents.local.yml");
    const known = declared(envFile);
    expect(placeholders(local).filter((name) => !known.has(name) && !secretNamed(envFile, name))).toEqual([]);
  });

  it("the local run's .localConfigs holds only settings the app reads, enough to start it", async () => {
    const local = await read("m365agents.local.yml");
    const envs = local.match(/target: \.\/\.localConfigs\n\s+envs:\n((?:\s{8}[A-Z0-9_]+: .+\n?)+)/)?.[1] ?? "";
    const settings = [...envs.matchAll(/^\s+([A-Z0-9_]+): (.+)$/gm)].map((m) => [m[1] ?? "", m[2] ?? ""] as const);
    expect(settings.length).toBeGreaterThan(5);
    const known = new Set(Object.keys(envSchema.shape));
    expect(settings.map(([name]) => name).filter((name) => !known.has(name))).toEqual([]);
    const guid = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";
    const env = Object.fromEntries(
      settings.map(([name, value]) => [
        name,
        value.includes("${{")
          ? name === "APP_BASE_URL"
            ? "https://abc123-3978.devtunnels.ms"
            : guid
          : value.replace(/"/g, ""),
      ]),
    );
    // `npm run dev:teams` passes --dev: the embedded Azurite, but a real bot identity and real tokens.
    const config = loadConfig(env, { dev: true });
    expect(config.bot.devMode).toBe(false);
    expect(config.auth.devMode).toBe(false);
    expect(config.storage.kind).toBe("embedded");
  });
});
