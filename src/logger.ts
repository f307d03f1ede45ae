import { pino } from "pino";
import type { Config } from "./config.js";
import { currentRequestContext } from "./telemetry/request-context.js";

export type Logger = pino.Logger;

/**
 * JSON lines on stdout; secrets are redacted wherever a request or config object is logged. A line written
 * while a request runs carries that request's ids, tenant and caller (src/telemetry/request-context.ts).
 */
export function createLogger(config: Pick<Config, "logLevel">, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level: config.logLevel,
    mixin: () => ({ ...currentRequestContext() }),
    redact: ["req.headers.authorization", "*.connectionString", "*.password", "*.token"],
  };
  return destination ? pino(options, destination) : pino(options);
}
