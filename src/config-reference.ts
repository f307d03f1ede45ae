import type { envSchema } from "./config.js";

export type SettingName = keyof typeof envSchema.shape;

/** What the schema cannot say about a setting: what it is for, and how a deployment treats it. */
export interface SettingDoc {
  meaning: string;
  /** The default in words, when it depends on other settings (the schema has none of its own). */
  defaultText?: string;
  /** The allowed values in words, when the schema only knows "text" (true/false flags, lists). */
  valuesText?: string;
  /**
   * required — production refuses to start without it; secret — required, and kept in Key Vault;
   * deployment — its default suits only local development, so every deployment sets it.
   */
  production?: "required" | "secret" | "deployment";
}

const FLAG = "`true` or `false`";

/**
 * The meaning of every setting `loadConfig` reads. docs/configuration.md's table is generated from the
 * schema and this (npm run docs:config); infra/ and env/ are checked against `production`.
 */
export const settingDocs: Record<SettingName, SettingDoc> = {
  NODE_ENV: {
    meaning:
      "`production` refuses the embedded Azurite and every dev mode; `npm run serve` defaults to it, `npm start` to `development`",
    defaultText: "`production` under `npm run serve`, else `development`",
    production: "deployment",
  },
  PORT: { meaning: "HTTP port (0 picks a free one); App Service sets it" },
  LOG_LEVEL: { meaning: "pino level of the JSON log lines on stdout" },
  STORAGE_CONNECTION_STRING: {
    meaning: "Azure Storage connection string; when set, no Azurite is started (or use `STORAGE_ACCOUNT_NAME`)",
  },
  STORAGE_ACCOUNT_NAME: {
    meaning:
      "storage account reached with a managed identity (`DefaultAzureCredential`; `AZURE_CLIENT_ID` names a user-assigned one); production needs this or `STORAGE_CONNECTION_STRING`",
    production: "required",
  },
  AZURITE_PERSISTENCE: { meaning: "the embedded Azurite keeps data on `disk` or in `memory`" },
  AZURITE_LOCATION: { meaning: "where the embedded Azurite keeps its data" },
  SEED_DEMO_DATA: {
    meaning: "seed the demo program on first start",
    defaultText: "`true` with the embedded Azurite, else `false`",
    valuesText: FLAG,
  },
  BOT_ID: {
    meaning: "the bot's Entra app (client) id",
    defaultText: "— (required unless dev mode)",
    production: "required",
  },
  BOT_PASSWORD: {
    meaning: "the bot's client secret (required with `BOT_ID` unless `BOT_TYPE=UserAssignedMsi`)",
    production: "secret",
  },
  BOT_TYPE: { meaning: "the bot registration's kind (Microsoft 365 Agents Toolkit names)", production: "deployment" },
  BOT_TENANT_ID: { meaning: "the bot registration's tenant (required unless `MultiTenant`)", production: "deployment" },
  BOT_DEV_MODE: {
    meaning: "accept unauthenticated bot requests (the Agents Playground); refused in production",
    defaultText: "`true` under `npm start` without `BOT_ID`",
    valuesText: FLAG,
  },
  BOT_LOGIN_URL: { meaning: "where the bot gets outbound tokens (client-credentials grant)" },
  BOT_OPENID_METADATA_URL: { meaning: "the channel's OpenID metadata that inbound bot requests are checked against" },
  BOT_CHANNEL_ISSUER: { meaning: "issuer of inbound channel tokens", valuesText: "text" },
  DELIVERY_WORKERS: {
    meaning: "run the delivery queue workers and the leased planner in this instance",
    defaultText: "`true` (`false` when `NODE_ENV=test`)",
    valuesText: FLAG,
  },
  DELIVERY_PLANNER_INTERVAL_SECONDS: {
    meaning: "how often the instance planning a tenant applies its changes and plans the slots coming into the horizon",
  },
  DELIVERY_HORIZON_HOURS: { meaning: "how far ahead slots are planned (and queued, hidden until due)" },
  DELIVERY_TENANT_PER_SECOND: {
    meaning: "Teams requests per second per tenant, shared by all instances (one row in Table Storage)",
  },
  DELIVERY_WORKER_LANES: { meaning: "receive loops per instance (each works through up to 32 messages at once)" },
  DELIVERY_VISIBILITY_SECONDS: {
    meaning: "how long a received message stays hidden and a claim on its delivery lasts",
  },
  DELIVERY_MAX_ATTEMPTS: { meaning: "send attempts on transient failures before a delivery fails with the reason" },
  DELIVERY_QUEUE_SHARDS: {
    meaning: "Azure queues the delivery queue is spread over (~2,000 msg/s each); every instance must agree",
  },
  TEAMS_APP_ID: {
    meaning: "the Teams app id (manifest `id`); deep links to the personal tab use it",
    defaultText: "a fixed development id",
    production: "deployment",
  },
  APP_BASE_URL: {
    meaning: "where Teams reaches the app (tab pages, bot endpoint); fills the manifest's URLs and valid domains",
    defaultText: "`http://localhost:$PORT`",
    production: "deployment",
  },
  PLAYGROUND: {
    meaning: "start the Agents Playground with `npm start`, signed in as the demo manager; needs `BOT_DEV_MODE`",
    defaultText: "`true` with the bot in dev mode under `npm start`",
    valuesText: FLAG,
  },
  PLAYGROUND_PORT: { meaning: "the playground's port (its UI and mock Bot Connector)" },
  ALLOWED_TENANT_IDS: {
    meaning:
      "tenants served by both the bot (`channelData.tenant.id`) and the API (the token's `tid`); each is onboarded on its first signed-in request or bot install; the former `AUTH_ALLOWED_TENANTS` is refused",
    defaultText: "`BOT_TENANT_ID`, or the demo tenant when the bot is in dev mode (never whoever is in storage)",
    valuesText: "comma-separated tenant ids",
    production: "required",
  },
  PRIVACY_MIN_GROUP_SIZE: {
    meaning: "no figure about how people did (adoption, skills-check means) is shown from fewer distinct people",
  },
  XAPI_LRS_ENDPOINT: {
    meaning: "the LRS's xAPI base; without it statements are kept for export only",
    valuesText: "http(s) URL",
  },
  XAPI_LRS_USERNAME: { meaning: "basic-auth user for the LRS (required with the endpoint)" },
  XAPI_LRS_PASSWORD: { meaning: "basic-auth password for the LRS (required with the endpoint)" },
  API_KEY_PEPPER: {
    meaning: "secret (≥ 32 characters) mixed into the hash of every BI API key; keep it, a new one voids every key",
    defaultText: "a development value (required in production)",
    production: "secret",
  },
  AUTH_CLIENT_ID: {
    meaning: "the Entra app registration's client id: the audience of Teams SSO tokens",
    defaultText: "— (required in production)",
    production: "required",
  },
  AUTH_APP_ID_URI: {
    meaning:
      "the app's `api://…` Application ID URI: also accepted as audience, and the manifest's `webApplicationInfo.resource`",
    defaultText: "`api://{APP_BASE_URL host}/{AUTH_CLIENT_ID}`",
  },
  AUTH_JWKS_URL: { meaning: "where token signing keys are published (https; http only for localhost)" },
  APPLICATIONINSIGHTS_CONNECTION_STRING: {
    meaning: "exports OpenTelemetry traces and metrics to Application Insights; without it, logs only",
    production: "deployment",
  },
  SHUTDOWN_TIMEOUT_SECONDS: {
    meaning:
      "on SIGTERM, how long requests in flight and deliveries in hand may take before the process exits anyway; keep it under the platform's stop grace period",
  },
  AUTH_ALLOWED_TENANTS: { meaning: "replaced by `ALLOWED_TENANT_IDS`; refused at start-up if set" },
  AUTH_MAX_TOKEN_LIFETIME_SECONDS: {
    meaning:
      "API tokens valid for longer than this (exp − iat) are refused, whatever their signature; Entra issues 60–90 minutes, a day at most",
  },
  AUTH_CLOCK_SKEW_SECONDS: {
    meaning:
      "how far an issuer's clock may differ from ours for a token's exp, nbf and iat (an iat further ahead is refused)",
  },
  MAX_API_BODY_BYTES: { meaning: "largest JSON body of the tab's API (`/api/v1`); a larger one is 413" },
  MAX_BOT_BODY_BYTES: { meaning: "largest activity posted to the bot endpoint (`/api/messages`); a larger one is 413" },
  MAX_BI_BODY_BYTES: {
    meaning: "largest JSON body of the BI endpoint (`POST /api/v1/kpi-values`); a larger one is 413",
  },
  MAX_KPI_CSV_BYTES: {
    meaning:
      "largest KPI CSV upload, streamed and never held whole; a larger one is 413 (before reading, when Content-Length says so)",
  },
  MAX_ROSTER_CSV_BYTES: { meaning: "largest roster CSV upload; a larger one is 413" },
  MAX_CSV_ROWS: { meaning: "most rows of one CSV upload (KPI or roster); more is 413 and nothing is written" },
  STORAGE_TIMEOUT_MS: {
    meaning:
      "how long one storage call may take (per try) before it is abandoned; a request whose storage call fails this way is answered 503",
  },
  STORAGE_RETRIES: { meaning: "tries after the first, on a storage timeout or transient fault" },
  BACKGROUND_STORAGE_TIMEOUT_MS: {
    meaning:
      "as `STORAGE_TIMEOUT_MS` for the background loops (delivery planner and workers, rollup sweep, reach): patient, since no request waits on them and a storage account slow under a campaign should slow them, not fail their work",
  },
  BACKGROUND_STORAGE_RETRIES: { meaning: "as `STORAGE_RETRIES` for the background loops" },
  ROLLUP_SWEEP_SECONDS: {
    meaning:
      "how often each instance applies rollup work that a crashed writer left (also once at start), so figures never stay apart from the records",
  },
  STORAGE_RETRY_AFTER_SECONDS: { meaning: "the `Retry-After` of the 503 answered while storage is unavailable" },
  AUTH_DEV_MODE: {
    meaning: 'local token issuer and "sign in as" the demo people for the standalone tab; refused in production',
    defaultText: "`true` under `npm start` without `AUTH_CLIENT_ID`",
    valuesText: FLAG,
  },
  GRAPH_CLIENT_SECRET: {
    meaning:
      "a client secret of the app registration `AUTH_CLIENT_ID`: turns on Microsoft Graph (the tenant's name, directory rosters, installing the app for participants); without it Graph is off",
  },
  GRAPH_AUTHORITY_HOST: {
    meaning: "where Graph tokens come from (`/{tenant}/oauth2/v2.0/token` is appended); http only for localhost",
  },
  GRAPH_ENDPOINT: { meaning: "Graph's v1.0 root; http only for localhost" },
};
