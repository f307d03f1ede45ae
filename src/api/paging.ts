import { z } from "zod";
import { isContinuationToken } from "../storage/index.js";

/** One page of a list and the token for the next; null when this is the last page. */
export interface ListPage<T> {
  items: T[];
  continuationToken: string | null;
}

/** ?pageSize and ?continuationToken of a list route; Azure Tables pages at 1,000 rows, so no page is larger. */
export function pageQuery(maxPageSize: number) {
  return z.object({
    pageSize: z.coerce
      .number()
      .int("must be a whole number")
      .min(1, "must be 1 or more")
      .max(maxPageSize, `must be at most ${maxPageSize}`)
      .optional(),
    // Only a token the API gave out: anything else would make the table SDK or the service fail (a 500).
    continuationToken: z
      .string()
      .refine(isContinuationToken, "must be a continuationToken this API gave out")
      .optional(),
  });
}
