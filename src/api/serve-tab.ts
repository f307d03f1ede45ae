import { existsSync } from "node:fs";
import { join } from "node:path";
import express, { Router } from "express";

/**
 * Serves the built tab (dist/tab) at /tab; any deep link falls back to index.html so the SPA routes it.
 * Without a build it says how to make one instead of a blank page.
 */
export function serveTab(distDir: string): Router {
  const router = Router();
  router.use((_req, res, next) => {
    // Teams shows the tab in an iframe; only Teams, Microsoft 365 hosts and the app itself may frame it.
    res.setHeader("Content-Security-Policy", `frame-ancestors ${FRAME_ANCESTORS.join(" ")}`);
    res.setHeader("X-Content-Type-Options", "nosniff");
    next();
  });
  router.use(express.static(distDir, { index: "index.html", maxAge: "1h", setHeaders: noCacheForHtml }));
  router.use((req, res) => {
    const index = join(distDir, "index.html");
    if (req.method !== "GET" || !existsSync(index)) {
      res.status(404).type("text/plain").send("The tab is not built: run `npm run build:tab`.");
      return;
    }
    res.setHeader("Cache-Control", "no-cache");
    res.sendFile(index);
  });
  return router;
}

const FRAME_ANCESTORS = [
  "'self'",
  "https://teams.microsoft.com",
  "https://*.teams.microsoft.com",
  "https://*.teams.cloud.microsoft",
  "https://*.office.com",
  "https://*.microsoft365.com",
  "https://*.cloud.microsoft",
];

function noCacheForHtml(res: express.Response, path: string): void {
  if (path.endsWith(".html")) res.setHeader("Cache-Control", "no-cache");
}
