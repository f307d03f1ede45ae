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
  /** Secret mixed into every API key hash, so a copy of the keys table alone cannot check guesses. */
  apiKeyPepper: string;
  /** Aggregated views of fewer people than this show no figures that could point at one person. */
  privacyMinGroupSize: number;
  /** The learning record store xAPI statements go to; null keeps them for export only. */
  xapiLrs: { endpoint: string; username: string; password: string } | null;
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
  PRIVACY_MIN_GROUP_SIZE: z.coerce
    .number("must be a number")
    .int("must be a whole number")
    .min(1, "must be 1 or more")
    .max(100, "must be at most 100")
    .default(5),
  XAPI_LRS_ENDPOINT: optionalText.refine(
    (v) => v === undefined || /^https?:\/\/\S+$/.test(v),
    "must be an http(s) URL",
  ),
  XAPI_LRS_USERNAME: optionalText,
  XAPI_LRS_PASSWORD: optionalText,
  API_KEY_PEPPER: optionalText.refine((v) => v === undefined || v.length >= 32, "must be at least 32 characters"),
});

/** Development only: production refuses to start without its own pepper. */
const DEV_API_KEY_PEPPER = "throughline-development-pepper-not-for-production";

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

  if (!e.API_KEY_PEPPER && e.NODE_ENV === "production")
    throw new ConfigError("API_KEY_PEPPER", "is required in production (a random secret of at least 32 characters)");

  if (e.XAPI_LRS_ENDPOINT && (!e.XAPI_LRS_USERNAME || !e.XAPI_LRS_PASSWORD))
    throw new ConfigError("XAPI_LRS_USERNAME", "and XAPI_LRS_PASSWORD are required with XAPI_LRS_ENDPOINT");

  return {
    env: e.NODE_ENV,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    storage,
    seedDemoData: e.SEED_DEMO_DATA ?? storage.kind === "embedded",
    apiKeyPepper: e.API_KEY_PEPPER ?? DEV_API_KEY_PEPPER,
    privacyMinGroupSize: e.PRIVACY_MIN_GROUP_SIZE,
    xapiLrs: e.XAPI_LRS_ENDPOINT
      ? { endpoint: e.XAPI_LRS_ENDPOINT, username: e.XAPI_LRS_USERNAME ?? "", password: e.XAPI_LRS_PASSWORD ?? "" }
      : null,
  };
}
