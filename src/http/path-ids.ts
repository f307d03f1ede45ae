import type { RequestHandler } from "express";
import { invalid, sendAnswer } from "./error-answers.js";

/** The one rule every part of an API path must keep: ids, route names and months alike fit it. */
export const PATH_PART_RULE = "must be 1 to 64 letters, digits, '-', '_' or '.', starting with a letter or digit";
const PATH_PART = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/**
 * Checks every part of the path before anything else runs (auth included): ids become table keys, where
 * `|` separates key parts and / \ # ? and control characters are forbidden, so anything outside the id
 * alphabet is refused here, with the rule, before any storage call. A refusal writes no log line of its own
 * (the request line at info has it): it is the caller's mistake, and anyone may send it.
 */
export function checkPathIds(): RequestHandler {
  return (req, res, next) => {
    const parts = req.path.split("/").filter((p) => p !== "");
    for (const [index, raw] of parts.entries()) {
      let part: string;
      try {
        part = decodeURIComponent(raw);
      } catch {
        return sendAnswer(
          res,
          invalid([{ field: `(path) part ${index + 1}`, rule: "must be valid percent-encoding" }]),
        );
      }
      if (!PATH_PART.test(part))
        return sendAnswer(res, invalid([{ field: `(path) part ${index + 1}`, rule: PATH_PART_RULE }]));
    }
    next();
  };
}
