import { z } from "zod";
import { DEMO_TENANT_ID } from "./demo/demo-ids.js";

export type StorageConfig =
  | { kind: "connectionString"; connectionString: string }
  | { kind: "account"; accountName: string }
  | { kind: "embedded"; persistence: "disk" | "memory"; location: string };

/** The bot's identity and where it checks and gets tokens (Microsoft 365 Agents Toolkit names). */
export interface BotConfig {
  /** Empty only in dev mode, where botbuilder accepts unauthenticated requests. */
  appId: string;
  appPassword: string;
  appType: "MultiTenant" | "SingleTenant" | "UserAssignedMsi";
  appTenantId: string;
  /** Explicit: accepts unauthenticated requests; refused in production. */
  devMode: boolean;
  /** Prefix botbuilder appends the tenant to for outbound tokens (…/{tenant}/oauth2/v2.0/token). */
  loginUrl: string;
  /** OpenID metadata of the channel that signs inbound requests. */
  openIdMetadataUrl: string;
  channelIssuer: string;
  /** Tenants whose requests the bot serves (channelData.tenant.id). */
  allowedTenantIds: string[];
}

/** The whole configuration, read once at start-up. Everything else receives it; nothing reads process.env. */
export interface Config {
  env: "development" | "production" | "test";
  port: number;
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  storage: StorageConfig;
  /** Seed the demo program (scenario 1) into an empty store on first start. */
  seedDemoData: boolean;
  bot: BotConfig;
  /** Secret mixed into every API key hash, so a copy of the keys table alone cannot check guesses. */
  apiKeyPepper: string;
  /** Aggregated views of fewer people than this show no figures that could point at one person. */
  privacyMinGroupSize: number;
  delivery: DeliveryConfig;
  teamsApp: TeamsAppConfig;
  /** The Microsoft 365 Agents Playground that `npm start` opens for the demo (dev mode only). */
  playground: { enabled: boolean; port: number };
  auth: AuthConfig;
  /** Microsoft Graph (app-only, the app registration AUTH_CLIENT_ID); null when GRAPH_CLIENT_SECRET is unset. */
  graph: GraphConfig | null;
  /** The learning record store xAPI statements go to; null keeps them for export only. */
  xapiLrs: { endpoint: string; username: string; password: string } | null;
  /** Traces and metrics to Application Insights; off without a connection string. */
  telemetry: { applicationInsightsConnectionString: string | null };
  /** How long a SIGTERM waits for requests and delivery work in hand before the process exits anyway. */
  shutdownTimeoutSeconds: number;
  limits: RequestLimits;
  storageRequests: StorageRequestConfig;
  /** How often each instance settles rollup work left by a writer that died (src/measure/rollups/rollup-intents.ts). */
  rollupSweepSeconds: number;
}

/** What one request may bring: every tenant shares the process, so none may hold it for long. */
export interface RequestLimits {
  /** JSON bodies of the API (/api/v1) for the tab. */
  apiJsonBytes: number;
  /** Activities posted to the bot endpoint (/api/messages). */
  botJsonBytes: number;
  /** JSON bodies of the BI endpoint (POST /api/v1/kpi-values). */
  biJsonBytes: number;
  /** A KPI CSV upload, streamed (never held whole). */
  kpiCsvBytes: number;
  /** A roster CSV upload. */
  rosterCsvBytes: number;
  /** Rows of any one CSV upload. */
  csvRows: number;
}

/** The limits when nothing is configured; parts built without a config (tools, some tests) use them too. */
export const DEFAULT_LIMITS: RequestLimits = {
  apiJsonBytes: 512 * 1024,
  botJsonBytes: 256 * 1024,
  biJsonBytes: 2 * 1024 * 1024,
  kpiCsvBytes: 32 * 1024 * 1024,
  rosterCsvBytes: 10 * 1024 * 1024,
  csvRows: 1_000_000,
};

/** How long a storage call may take before the request is answered 503 (storage unavailable). */
export interface StorageRequestConfig {
  /** Per try; a storage call that has not answered by then is abandoned. */
  timeoutMs: number;
  /** Tries after the first, on a timeout or a transient fault. */
  retries: number;
  /** What a 503 tells the client to wait (Retry-After). */
  retryAfterSeconds: number;
  /**
   * The background loops' limits (planner, delivery workers, sweeps): nobody waits on their answer, and a
   * storage account slow under a campaign's load should slow them down, not fail their work over and over.
   */
  background: { timeoutMs: number; retries: number };
}

/** How the app reaches Microsoft Graph: the directory, the app catalogue, installs for people. */
export interface GraphConfig {
  clientId: string;
  clientSecret: string;
  /** Where tokens come from (…/{tenant}/oauth2/v2.0/token is appended). */
  authorityHost: string;
  /** Graph's v1.0 root, e.g. https://graph.microsoft.com/v1.0. */
  endpoint: string;
}

/** The delivery planner and queue workers each instance runs (see src/delivery). */
export interface DeliveryConfig {
  /** Run the planner (one instance at a time, by lease) and the queue workers in this instance. */
  workers: boolean;
  plannerIntervalSeconds: number;
  horizonHours: number;
  /** The tenant's Teams request ceiling shared by every instance. */
  tenantPerSecond: number;
  lanes: number;
  visibilitySeconds: number;
  maxAttempts: number;
  /** Azure queues the delivery queue is spread over; every instance must use the same number. */
  queueShards: number;
}

/** The Teams app as packaged (appPackage/manifest.json): its id and the address Teams reaches the app at. */
export interface TeamsAppConfig {
  /** The Teams app id (manifest "id"); deep links to the personal tab name it. */
  appId: string;
  /** Where the app is served (tab pages, bot endpoint), e.g. https://throughline.contoso.com. */
  baseUrl: string;
}

/** How the API checks the Teams SSO token (an Entra v2 access token issued for this app). */
export interface AuthConfig {
  /** The app registration's client id; tokens must carry it (or appIdUri) as their audience. */
  clientId: string;
  /** The app's Application ID URI, the other accepted audience; `api://{APP_BASE_URL host}/{clientId}` unless set. */
  appIdUri: string;
  /** Where Entra's signing keys are published. */
  jwksUrl: string;
  /** Tenants allowed to call: the same list as the bot's (ALLOWED_TENANT_IDS; the demo tenant in dev mode). */
  allowedTenants: string[];
  /** A local token issuer and a "sign in as" list of the demo people; never in production. */
  devMode: boolean;
  /** Tokens valid for longer than this (exp − iat) are refused, whatever their signature. */
  maxTokenLifetimeSeconds: number;
  /** How far the issuer's clock may be off ours for exp, nbf and iat. */
  clockSkewSeconds: number;
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

function positiveInt(min: number, max: number) {
  return z.coerce
    .number("must be a number")
    .int("must be a whole number")
    .min(min, `must be ${min} to ${max}`)
    .max(max, `must be ${min} to ${max}`);
}

/** An https URL (plain http only for a local stand-in), without a trailing slash. */
const localOrHttps = z
  .url("must be a URL")
  .refine((v) => v.startsWith("https://") || /^http:\/\/(localhost|127\.0\.0\.1)[:/]/.test(v), {
    message: "must be https (http only for localhost)",
  })
  .transform((v) => v.replace(/\/+$/, ""));

export const envSchema = z.object({
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
  BOT_ID: optionalText.refine(
    (v) => v === undefined || /^[0-9a-f-]{36}$/i.test(v),
    "must be the bot's Entra app id (a GUID)",
  ),
  BOT_PASSWORD: optionalText,
  BOT_TYPE: z
    .enum(["MultiTenant", "SingleTenant", "UserAssignedMsi"], "must be MultiTenant, SingleTenant or UserAssignedMsi")
    .default("MultiTenant"),
  BOT_TENANT_ID: optionalText.refine(
    (v) => v === undefined || /^[0-9a-f-]{36}$/i.test(v),
    "must be a tenant id (a GUID)",
  ),
  BOT_DEV_MODE: flag.optional(),
  BOT_LOGIN_URL: z.url("must be a URL").default("https://login.microsoftonline.com/"),
  BOT_OPENID_METADATA_URL: z
    .url("must be a URL")
    .default("https://login.botframework.com/v1/.well-known/openidconfiguration"),
  BOT_CHANNEL_ISSUER: z.string().default("https://api.botframework.com"),
  DELIVERY_WORKERS: flag.optional(),
  DELIVERY_PLANNER_INTERVAL_SECONDS: positiveInt(5, 86_400).default(60),
  DELIVERY_HORIZON_HOURS: positiveInt(1, 168).default(24),
  DELIVERY_TENANT_PER_SECOND: positiveInt(1, 1_000_000).default(50),
  DELIVERY_WORKER_LANES: positiveInt(1, 32).default(2),
  DELIVERY_VISIBILITY_SECONDS: positiveInt(10, 3_600).default(60),
  DELIVERY_MAX_ATTEMPTS: positiveInt(1, 20).default(5),
  DELIVERY_QUEUE_SHARDS: positiveInt(1, 64).default(4),
  TEAMS_APP_ID: z
    .string()
    .trim()
    .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, "must be a GUID")
    .default("3f0c6e1a-7b2d-4c8e-9a5f-1d2e3f4a5b6c"),
  APP_BASE_URL: z
    .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
    .transform((v) => v.replace(/\/+$/, ""))
    .optional(),
  PLAYGROUND: flag.optional(),
  PLAYGROUND_PORT: z.coerce
    .number("must be a number")
    .int("must be a whole number")
    .min(1, "must be 1 to 65535")
    .max(65535, "must be 1 to 65535")
    .default(56150),
  ALLOWED_TENANT_IDS: optionalText.refine(
    (v) => v === undefined || v.split(",").every((id) => GUID.test(id.trim())),
    "must be a comma-separated list of tenant ids (GUIDs)",
  ),
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
  APPLICATIONINSIGHTS_CONNECTION_STRING: optionalText.refine(
    (v) => v === undefined || /InstrumentationKey=/i.test(v),
    "must be an Application Insights connection string (InstrumentationKey=…;IngestionEndpoint=…)",
  ),
  SHUTDOWN_TIMEOUT_SECONDS: positiveInt(1, 600).default(20),
  /** Replaced by ALLOWED_TENANT_IDS; named here only to refuse it rather than ignore it. */
  AUTH_ALLOWED_TENANTS: optionalText,
  AUTH_DEV_MODE: flag.optional(),
  GRAPH_CLIENT_SECRET: optionalText,
  GRAPH_AUTHORITY_HOST: localOrHttps.default("https://login.microsoftonline.com"),
  GRAPH_ENDPOINT: localOrHttps.default("https://graph.microsoft.com/v1.0"),
  AUTH_MAX_TOKEN_LIFETIME_SECONDS: positiveInt(300, 86_400).default(86_400),
  AUTH_CLOCK_SKEW_SECONDS: positiveInt(0, 300).default(60),
  MAX_API_BODY_BYTES: positiveInt(1_024, 10_000_000).default(DEFAULT_LIMITS.apiJsonBytes),
  MAX_BOT_BODY_BYTES: positiveInt(1_024, 10_000_000).default(DEFAULT_LIMITS.botJsonBytes),
  MAX_BI_BODY_BYTES: positiveInt(1_024, 50_000_000).default(DEFAULT_LIMITS.biJsonBytes),
  MAX_KPI_CSV_BYTES: positiveInt(1_024, 1_000_000_000).default(DEFAULT_LIMITS.kpiCsvBytes),
  MAX_ROSTER_CSV_BYTES: positiveInt(1_024, 100_000_000).default(DEFAULT_LIMITS.rosterCsvBytes),
  MAX_CSV_ROWS: positiveInt(1, 10_000_000).default(DEFAULT_LIMITS.csvRows),
  STORAGE_TIMEOUT_MS: positiveInt(100, 120_000).default(3_000),
  STORAGE_RETRIES: positiveInt(0, 10).default(1),
  BACKGROUND_STORAGE_TIMEOUT_MS: positiveInt(100, 300_000).default(30_000),
  BACKGROUND_STORAGE_RETRIES: positiveInt(0, 10).default(3),
  ROLLUP_SWEEP_SECONDS: positiveInt(5, 86_400).default(120),
  STORAGE_RETRY_AFTER_SECONDS: positiveInt(1, 3_600).default(5),
});

/** Development only: production refuses to start without its own pepper. */
const DEV_API_KEY_PEPPER = "throughline-development-pepper-not-for-production";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The client id the dev token issuer uses when no app registration is configured. */
export const DEV_CLIENT_ID = "7e5d0000-0000-4000-8000-000000000001";

/** Reads and validates the environment once. Throws ConfigError naming the first bad variable. */
export interface LoadOptions {
  /**
   * Local development, chosen by the command (`npm start` passes --dev): only then may the bot accept
   * unauthenticated requests and the API sign its own tokens when no app identity is configured.
   */
  dev?: boolean;
}

export function loadConfig(env: Record<string, string | undefined>, options: LoadOptions = {}): Config {
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

  const dev = options.dev ?? false;
  if (dev && e.NODE_ENV === "production") {
    throw new ConfigError("NODE_ENV", "is production, so the app must not be started with --dev (use npm run serve)");
  }
  const authDevMode = e.AUTH_DEV_MODE ?? (dev && !e.AUTH_CLIENT_ID);
  const bot = botConfig(e, dev);
  if (!e.API_KEY_PEPPER && e.NODE_ENV === "production")
    throw new ConfigError("API_KEY_PEPPER", "is required in production (a random secret of at least 32 characters)");
  // One list for the bot and the API: two lists drifted apart is a tenant served by one and refused by the other.
  if (e.AUTH_ALLOWED_TENANTS !== undefined)
    throw new ConfigError(
      "AUTH_ALLOWED_TENANTS",
      "is replaced by ALLOWED_TENANT_IDS, one list of tenants for both the bot and the API",
    );
  if (authDevMode && e.NODE_ENV === "production") {
    throw new ConfigError("AUTH_DEV_MODE", "must not be true in production (it signs tokens locally)");
  }
  if (e.NODE_ENV === "production" && !e.AUTH_CLIENT_ID) {
    throw new ConfigError("AUTH_CLIENT_ID", "is required in production (the app registration's client id)");
  }
  if (!authDevMode && !e.AUTH_CLIENT_ID) {
    throw new ConfigError("AUTH_CLIENT_ID", "is required unless AUTH_DEV_MODE=true (npm start sets dev mode)");
  }

  if (e.GRAPH_CLIENT_SECRET && !e.AUTH_CLIENT_ID)
    throw new ConfigError(
      "AUTH_CLIENT_ID",
      "is required with GRAPH_CLIENT_SECRET (the app registration Graph is called as)",
    );
  if (e.XAPI_LRS_ENDPOINT && (!e.XAPI_LRS_USERNAME || !e.XAPI_LRS_PASSWORD))
    throw new ConfigError("XAPI_LRS_USERNAME", "and XAPI_LRS_PASSWORD are required with XAPI_LRS_ENDPOINT");

  return {
    env: e.NODE_ENV,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    storage,
    seedDemoData: e.SEED_DEMO_DATA ?? storage.kind === "embedded",
    bot,
    apiKeyPepper: e.API_KEY_PEPPER ?? DEV_API_KEY_PEPPER,
    privacyMinGroupSize: e.PRIVACY_MIN_GROUP_SIZE,
    delivery: {
      // Off under test unless asked for: tests start the workers they need themselves.
      workers: e.DELIVERY_WORKERS ?? e.NODE_ENV !== "test",
      plannerIntervalSeconds: e.DELIVERY_PLANNER_INTERVAL_SECONDS,
      horizonHours: e.DELIVERY_HORIZON_HOURS,
      tenantPerSecond: e.DELIVERY_TENANT_PER_SECOND,
      lanes: e.DELIVERY_WORKER_LANES,
      visibilitySeconds: e.DELIVERY_VISIBILITY_SECONDS,
      maxAttempts: e.DELIVERY_MAX_ATTEMPTS,
      queueShards: e.DELIVERY_QUEUE_SHARDS,
    },
    teamsApp: { appId: e.TEAMS_APP_ID.toLowerCase(), baseUrl: e.APP_BASE_URL ?? `http://localhost:${e.PORT}` },
    playground: playgroundConfig(e, bot),
    auth: {
      clientId: e.AUTH_CLIENT_ID ?? DEV_CLIENT_ID,
      appIdUri:
        e.AUTH_APP_ID_URI ??
        `api://${new URL(e.APP_BASE_URL ?? `http://localhost:${e.PORT}`).hostname}/${e.AUTH_CLIENT_ID ?? DEV_CLIENT_ID}`,
      jwksUrl: e.AUTH_JWKS_URL,
      allowedTenants: bot.allowedTenantIds,
      devMode: authDevMode,
      maxTokenLifetimeSeconds: e.AUTH_MAX_TOKEN_LIFETIME_SECONDS,
      clockSkewSeconds: e.AUTH_CLOCK_SKEW_SECONDS,
    },
    graph: e.GRAPH_CLIENT_SECRET
      ? {
          clientId: e.AUTH_CLIENT_ID ?? DEV_CLIENT_ID,
          clientSecret: e.GRAPH_CLIENT_SECRET,
          authorityHost: e.GRAPH_AUTHORITY_HOST,
          endpoint: e.GRAPH_ENDPOINT,
        }
      : null,
    xapiLrs: e.XAPI_LRS_ENDPOINT
      ? { endpoint: e.XAPI_LRS_ENDPOINT, username: e.XAPI_LRS_USERNAME ?? "", password: e.XAPI_LRS_PASSWORD ?? "" }
      : null,
    telemetry: { applicationInsightsConnectionString: e.APPLICATIONINSIGHTS_CONNECTION_STRING ?? null },
    shutdownTimeoutSeconds: e.SHUTDOWN_TIMEOUT_SECONDS,
    limits: {
      apiJsonBytes: e.MAX_API_BODY_BYTES,
      botJsonBytes: e.MAX_BOT_BODY_BYTES,
      biJsonBytes: e.MAX_BI_BODY_BYTES,
      kpiCsvBytes: e.MAX_KPI_CSV_BYTES,
      rosterCsvBytes: e.MAX_ROSTER_CSV_BYTES,
      csvRows: e.MAX_CSV_ROWS,
    },
    rollupSweepSeconds: e.ROLLUP_SWEEP_SECONDS,
    storageRequests: {
      timeoutMs: e.STORAGE_TIMEOUT_MS,
      retries: e.STORAGE_RETRIES,
      retryAfterSeconds: e.STORAGE_RETRY_AFTER_SECONDS,
      background: { timeoutMs: e.BACKGROUND_STORAGE_TIMEOUT_MS, retries: e.BACKGROUND_STORAGE_RETRIES },
    },
  };
}

/** On by default in development with the bot in dev mode: the playground sends unauthenticated requests. */
function playgroundConfig(e: z.output<typeof envSchema>, bot: BotConfig): Config["playground"] {
  const enabled = e.PLAYGROUND ?? (bot.devMode && e.NODE_ENV === "development");
  if (enabled && !bot.devMode)
    throw new ConfigError("PLAYGROUND", "needs BOT_DEV_MODE=true (the playground sends unauthenticated requests)");
  return { enabled, port: e.PLAYGROUND_PORT };
}

function botConfig(e: z.output<typeof envSchema>, dev: boolean): BotConfig {
  const production = e.NODE_ENV === "production";
  // Without an app id botbuilder lets anyone in; that is only ever allowed as an explicit, non-production mode.
  const devMode = e.BOT_DEV_MODE ?? (dev && !e.BOT_ID);
  if (devMode && production) throw new ConfigError("BOT_DEV_MODE", "must not be true in production");
  if (!e.BOT_ID && !devMode) {
    throw new ConfigError(
      "BOT_ID",
      production ? "is required in production" : "is required unless BOT_DEV_MODE=true (npm start sets dev mode)",
    );
  }
  if (e.BOT_ID && e.BOT_TYPE !== "UserAssignedMsi" && !e.BOT_PASSWORD) {
    throw new ConfigError("BOT_PASSWORD", `is required with BOT_ID for BOT_TYPE=${e.BOT_TYPE}`);
  }
  if (e.BOT_TYPE !== "MultiTenant" && !e.BOT_TENANT_ID) {
    throw new ConfigError("BOT_TENANT_ID", `is required for BOT_TYPE=${e.BOT_TYPE}`);
  }
  // The tenants served are the ones configured, never "whoever is in storage": onboarding writes that.
  const listed = e.ALLOWED_TENANT_IDS?.split(",").map((id) => id.trim().toLowerCase());
  const allowedTenantIds =
    listed ?? (e.BOT_TENANT_ID ? [e.BOT_TENANT_ID.toLowerCase()] : devMode ? [DEMO_TENANT_ID] : []);
  if (allowedTenantIds.length === 0) {
    throw new ConfigError("ALLOWED_TENANT_IDS", "must name at least one tenant (or set BOT_TENANT_ID)");
  }
  return {
    appId: e.BOT_ID ?? "",
    appPassword: e.BOT_PASSWORD ?? "",
    appType: e.BOT_TYPE,
    appTenantId: e.BOT_TENANT_ID ?? "",
    devMode,
    loginUrl: e.BOT_LOGIN_URL.endsWith("/") ? e.BOT_LOGIN_URL : `${e.BOT_LOGIN_URL}/`,
    openIdMetadataUrl: e.BOT_OPENID_METADATA_URL,
    channelIssuer: e.BOT_CHANNEL_ISSUER,
    allowedTenantIds,
  };
}
