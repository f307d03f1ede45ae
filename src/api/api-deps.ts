import type { Logger } from "../logger.js";
import type { Storage } from "../storage/index.js";

export interface ApiDeps {
  storage: Storage;
  logger: Logger;
  now: () => Date;
  /** Teams smaller than this show no per-team figures to admins (PRIVACY_MIN_GROUP_SIZE). */
  minGroupSize?: number;
}
