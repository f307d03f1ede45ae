import { z } from "zod";

export type StorageConfig =
  | { kind: "connectionString"; connectionString: string }
  | { kind: "account"; accountName: string }
  | { kind: "embedded"; persistence: "disk" | "memory"; location: string };

/** The whole configuration, read once at start-up. Everything else receives it; nothing reads process.env. */
export interface Config {
  env: "development" | "production" | "test";
  port: number;
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  storage: StorageConfig;
  /** Seed the demo program (scenario 1) into an empty store on first start. */
  seedDemoData: boolean;
  auth: AuthConfig;
}

/** How the API checks the Teams SSO token (an Entra v2 access token issued for this app). */
export interface AuthConfig {
  /** The app registration's client id; tokens must carry it (or appIdUri) as their audience. */
  clientId: string;
  /** The app's `api://…` URI, the other accepted audience. */
  appIdUri: string | undefined;
  /** Where Entra's signing keys are published. */
  jwksUrl: string;
  /** Tenants allowed to call; undefined means any tenant registered in storage. */
  allowedTenants: string[] | undefined;
  /** A local token issuer and a "sign in as" list of the demo people; never in production. */
  devMode: boolean;
}

/** A bad or missing setting; its message is one line naming the variable and the problem. */
export class ConfigError extends Error {
  constructor(variable: string, problem: string) {
    super(`config: ${variable}: ${problem}`);
    this.name = "ConfigError";
  }
}

const flag = z
  .string()
  .trim()
  .toLowerCase()
  .refine((v) => ["true", "false", "1", "0", "yes", "no"].includes(v), "must be true or false")
  .transform((v) => ["true", "1", "yes"].includes(v));

const optionalText = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v ? v : undefined));

const envSchema = z.object({
  NODE_ENV: z
    .enum(["development", "production", "test"], "must be development, production or test")
    .default("development"),
  PORT: z.coerce
    .number("must be a number")
    .int("must be a whole number")
    .min(0, "must be 0 to 65535")
    .max(65535, "must be 0 to 65535")
    .default(3978),
  LOG_LEVEL: z
    .enum(
      ["fatal", "error", "warn", "info", "debug", "trace", "silent"],
      "must be fatal, error, warn, info, debug, trace or silent",
    )
    .default("info"),
  STORAGE_CONNECTION_STRING: optionalText.refine(
    (v) => v === undefined || v === "UseDevelopmentStorage=true" || /(TableEndpoint|AccountName)=/i.test(v),
    "must be an Azure Storage connection string (AccountName=…;AccountKey=… or …TableEndpoint=…)",
  ),
  STORAGE_ACCOUNT_NAME: optionalText.refine(
    (v) => v === undefined || /^[a-z0-9]{3,24}$/.test(v),
    "must be a storage account name: 3–24 lowercase letters and digits",
  ),
  AZURITE_PERSISTENCE: z.enum(["disk", "memory"], "must be disk or memory").default("disk"),
  AZURITE_LOCATION: z.string().trim().min(1, "must not be empty").default(".data/azurite"),
  SEED_DEMO_DATA: flag.optional(),
  AUTH_CLIENT_ID: optionalText,
  AUTH_APP_ID_URI: optionalText.refine(
    (v) => v === undefined || v.startsWith("api://"),
    "must be the app's Application ID URI, starting with api://",
  ),
  AUTH_JWKS_URL: z
    .url("must be a URL")
    .refine((v) => v.startsWith("https://") || v.startsWith("http://localhost") || v.startsWith("http://127.0.0.1"), {
      message: "must be https (http only for localhost)",
    })
    .default("https://login.microsoftonline.com/common/discovery/v2.0/keys"),
  AUTH_ALLOWED_TENANTS: optionalText.refine(
    (v) => v === undefined || v.split(",").every((t) => GUID.test(t.trim())),
    "must be a comma-separated list of tenant ids (GUIDs)",
  ),
  AUTH_DEV_MODE: flag.optional(),
});

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The client id the dev token issuer uses when no app registration is configured. */
export const DEV_CLIENT_ID = "7e5d0000-0000-4000-8000-000000000001";

/** Reads and validates the environment once. Throws ConfigError naming the first bad variable. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const result = envSchema.safeParse(env);
  if (!result.success) {
    const issue = result.error.issues[0];
    const variable = String(issue?.path[0] ?? "environment");
    const got = env[variable];
    throw new ConfigError(variable, `${issue?.message ?? "is invalid"}${got === undefined ? "" : ` (got "${got}")`}`);
  }
  const e = result.data;

  if (e.STORAGE_CONNECTION_STRING && e.STORAGE_ACCOUNT_NAME) {
    throw new ConfigError("STORAGE_ACCOUNT_NAME", "set only one of STORAGE_CONNECTION_STRING and STORAGE_ACCOUNT_NAME");
  }
  let storage: StorageConfig;
  if (e.STORAGE_CONNECTION_STRING)
    storage = { kind: "connectionString", connectionString: e.STORAGE_CONNECTION_STRING };
  else if (e.STORAGE_ACCOUNT_NAME) storage = { kind: "account", accountName: e.STORAGE_ACCOUNT_NAME };
  else if (e.NODE_ENV === "production") {
    throw new ConfigError(
      "STORAGE_CONNECTION_STRING",
      "is required in production (or STORAGE_ACCOUNT_NAME with a managed identity); the embedded Azurite is for development only",
    );
  } else storage = { kind: "embedded", persistence: e.AZURITE_PERSISTENCE, location: e.AZURITE_LOCATION };

  const devMode = e.AUTH_DEV_MODE ?? (e.NODE_ENV === "development" && !e.AUTH_CLIENT_ID);
  if (devMode && e.NODE_ENV === "production") {
    throw new ConfigError("AUTH_DEV_MODE", "must not be true in production (it signs tokens locally)");
  }
  if (e.NODE_ENV === "production" && !e.AUTH_CLIENT_ID) {
    throw new ConfigError("AUTH_CLIENT_ID", "is required in production (the app registration's client id)");
  }

  return {
    env: e.NODE_ENV,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    storage,
    seedDemoData: e.SEED_DEMO_DATA ?? storage.kind === "embedded",
    auth: {
      clientId: e.AUTH_CLIENT_ID ?? DEV_CLIENT_ID,
      appIdUri: e.AUTH_APP_ID_URI,
      jwksUrl: e.AUTH_JWKS_URL,
      allowedTenants: e.AUTH_ALLOWED_TENANTS?.split(",").map((t) => t.trim().toLowerCase()),
      devMode,
    },
  };
}
