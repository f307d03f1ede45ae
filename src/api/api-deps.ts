import type { Directory } from "../graph/index.js";
import type { Logger } from "../logger.js";
import type { AfterKpiWrite } from "../measure/index.js";
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
  /** Microsoft Graph, when configured: directory rosters, reach. */
  directory?: Directory;
}
