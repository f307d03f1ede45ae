import type { Logger } from "../logger.js";
import type { Storage } from "../storage/index.js";

export interface ApiDeps {
  storage: Storage;
  logger: Logger;
  now: () => Date;
}
