import { Router } from "express";
import { z } from "zod";
import {
  MonthOutsideData,
  monthlyReview,
  monthlyReviewCsv,
  reviewMonths,
  reviewNotesRow,
  saveReviewNotes,
} from "../../dashboard/index.js";
import { programScope } from "../../measure/index.js";
import { ConcurrencyError, NotFoundError } from "../../storage/index.js";
import type { ApiDeps } from "../api-deps.js";
import { parseBody } from "../body.js";
import { readIfMatch, setEtag } from "../etag.js";
import { param, requireAdmin } from "../guards.js";
import { HttpError, notFound } from "../http-errors.js";

const monthSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "must be a month as YYYY-MM");
export const notesBody = z.strictObject({
  text: z.string("must be text").max(10_000, "must be at most 10,000 characters"),
});

/** The monthly review of a program: the months it exists for, the page's figures, its notes (etag-guarded), a CSV. */
export function reviewRoutes({ storage, now, minGroupSize }: ApiDeps): Router {
  const router = Router();

  const load = async (tenantId: string, id: string, rawMonth: string) => {
    const csv = rawMonth.endsWith(".csv");
    const month = parseBody(z.object({ month: monthSchema }), { month: csv ? rawMonth.slice(0, -4) : rawMonth }).month;
    const found = await storage.programs.get(tenantId, id);
    if (!found) throw notFound("program");
    return { program: found.value, month, csv };
  };

  /** Which months have a review, and the latest with data: the page opens on it. */
  router.get("/programs/:id/reviews", async (req, res) => {
    const caller = requireAdmin(res);
    const found = await storage.programs.get(caller.tenantId, param(req.params.id));
    if (!found) throw notFound("program");
    res.json(await reviewMonths(storage, found.value, now()));
  });

  router.get("/programs/:id/reviews/:month", async (req, res) => {
    const caller = requireAdmin(res);
    const { program, month, csv } = await load(caller.tenantId, param(req.params.id), param(req.params.month));
    let review: Awaited<ReturnType<typeof monthlyReview>>;
    try {
      review = await monthlyReview(storage, program, month, now(), { minimum: minGroupSize });
    } catch (error) {
      if (error instanceof MonthOutsideData)
        throw new HttpError(404, { error: "no_review", reason: error.message, months: error.months });
      throw error;
    }
    if (csv) {
      res.setHeader("Content-Type", "text/csv; charset=utf-8");
      res.setHeader("Content-Disposition", `attachment; filename="review-${program.id}-${month}.csv"`);
      res.send(monthlyReviewCsv(review));
      return;
    }
    if (review.notesEtag) setEtag(res, review.notesEtag);
    res.json(review);
  });

  router.put("/programs/:id/reviews/:month/notes", async (req, res) => {
    const caller = requireAdmin(res);
    const { program, month } = await load(caller.tenantId, param(req.params.id), param(req.params.month));
    const body = parseBody(notesBody, req.body);
    const ifMatch = readIfMatch(req);
    const at = now();
    // Without If-Match the notes must not exist yet (409 otherwise); with it, a stale etag is a 409.
    try {
      await saveReviewNotes(storage, program, month, {
        text: body.text,
        updatedBy: caller.objectId,
        etag: ifMatch ?? null,
        now: at,
      });
    } catch (error) {
      // An If-Match for notes that do not exist is as stale as a wrong one.
      if (error instanceof NotFoundError) throw new ConcurrencyError("review notes");
      throw error;
    }
    const saved = await storage.rollups.get<{ updatedBy: string; updatedAt: string }>(
      program.tenantId,
      programScope(program.id),
      reviewNotesRow(month),
    );
    // Only hand out the etag if it is still our write; otherwise the next save must reload first.
    const ours = saved?.value.data.updatedBy === caller.objectId && saved.value.data.updatedAt === at.toISOString();
    const notesEtag = saved && ours ? saved.etag : null;
    if (notesEtag) setEtag(res, notesEtag);
    res.json({ notes: { text: body.text.trim(), updatedBy: caller.objectId, updatedAt: at.toISOString() }, notesEtag });
  });

  return router;
}
