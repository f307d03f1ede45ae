import type { RequestLimits } from "../config.js";
import type { Directory } from "../graph/index.js";
import type { Logger } from "../logger.js";
import type { AfterKpiWrite } from "../measure/index.js";
import type { DeliveryCardRenderer } from "../messaging/index.js";
import type { Storage } from "../storage/index.js";

export interface ApiDeps {
  storage: Storage;
  logger: Logger;
  now: () => Date;
  /** The privacy minimum (PRIVACY_MIN_GROUP_SIZE): no figure about how people did stands on fewer people. */
  minGroupSize: number;
  /** HMAC pepper for API keys (API_KEY_PEPPER); without it the tab cannot create keys. */
  apiKeyPepper?: string;
  /** Keeps KPI rollups current after values are written (updateKpiRollups in production). */
  afterKpiWrite?: AfterKpiWrite;
  /** Body and upload limits (config MAX_*); DEFAULT_LIMITS without one. */
  limits?: RequestLimits;
  /** What a 503 says to wait while storage is unavailable (STORAGE_RETRY_AFTER_SECONDS). */
  retryAfterSeconds?: number;
  /** The bot's card renderer, so the builder's preview is the card people get (renderDeliveryCard). */
  renderCard: DeliveryCardRenderer;
  /** Microsoft Graph, when configured: directory rosters, reach. */
  directory?: Directory;
}
