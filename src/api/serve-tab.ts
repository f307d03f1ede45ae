import { existsSync } from "node:fs";
import { join } from "node:path";
import express, { Router } from "express";

/**
 * Serves the built tab (dist/tab) at /tab; any deep link falls back to index.html so the SPA routes it.
 * Without a build it says how to make one instead of a blank page.
 */
export function serveTab(distDir: string): Router {
  const router = Router();
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

function noCacheForHtml(res: express.Response, path: string): void {
  if (path.endsWith(".html")) res.setHeader("Cache-Control", "no-cache");
}
