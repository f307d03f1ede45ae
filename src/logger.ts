import { pino } from "pino";
import type { Config } from "./config.js";

export type Logger = pino.Logger;

/** JSON lines on stdout; secrets are redacted wherever a request or config object is logged. */
export function createLogger(config: Pick<Config, "logLevel">): Logger {
  return pino({
    level: config.logLevel,
    redact: ["req.headers.authorization", "*.connectionString", "*.password", "*.token"],
  });
}
