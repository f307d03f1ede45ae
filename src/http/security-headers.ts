import type { RequestHandler } from "express";

/**
 * Every answer: never sniffed as another type, never kept by a cache or proxy (API answers carry people's
 * figures). The tab's static files set their own Cache-Control over this one.
 */
export const securityHeaders: RequestHandler = (_req, res, next) => {
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("Cache-Control", "no-store");
  next();
};
