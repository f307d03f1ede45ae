import { deflateRawSync, inflateRawSync } from "node:zlib";

/** Marks a compressed message; never a base64 character, so a plain message cannot start with it. */
const COMPRESSED = "~";
/** Smaller bodies go as they are: compressing them saves Azure little and costs a call's worth of CPU. */
const COMPRESS_FROM_BYTES = 1_024;

/**
 * A queue message's text. Base64 keeps any JSON safe in the queue's XML envelope; a body of a kilobyte or
 * more is deflated first, since a delivery message's items repeat the same program, asset, team and
 * service URL: the storage service parses (and Azure bills and limits) a fifth of the bytes.
 */
export function encodeMessage(body: unknown): string {
  const json = Buffer.from(JSON.stringify(body), "utf8");
  if (json.length < COMPRESS_FROM_BYTES) return json.toString("base64");
  return COMPRESSED + deflateRawSync(json).toString("base64");
}

/** Reads either form: messages queued as plain base64 JSON stay readable. */
export function decodeMessage<T>(text: string): T {
  const json = text.startsWith(COMPRESSED)
    ? inflateRawSync(Buffer.from(text.slice(COMPRESSED.length), "base64"))
    : Buffer.from(text, "base64");
  return JSON.parse(json.toString("utf8")) as T;
}
