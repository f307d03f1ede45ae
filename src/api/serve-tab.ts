import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import express, { Router } from "express";

/**
 * Serves the built tab (dist/tab) at /tab; any deep link falls back to index.html so the SPA routes it.
 * Without a build it says how to make one instead of a blank page. Every answer carries the tab's
 * Content-Security-Policy (contentSecurityPolicy below).
 */
export function serveTab(distDir: string): Router {
  const router = Router();
  const index = join(distDir, "index.html");
  const policy = policyOf(index);
  router.use((_req, res, next) => {
    res.setHeader("Content-Security-Policy", policy());
    res.setHeader("X-Content-Type-Options", "nosniff");
    next();
  });
  router.use(express.static(distDir, { index: "index.html", maxAge: "1h", setHeaders: noCacheForHtml }));
  router.use((req, res) => {
    if (req.method !== "GET" || !existsSync(index)) {
      res.status(404).type("text/plain").send("The tab is not built: run `npm run build:tab`.");
      return;
    }
    res.setHeader("Cache-Control", "no-cache");
    res.sendFile(index);
  });
  return router;
}

/** Teams shows the tab in an iframe: only Teams, the Microsoft 365 hosts and the app itself may frame it. */
const FRAME_ANCESTORS = [
  "'self'",
  "https://teams.microsoft.com",
  "https://*.teams.microsoft.com",
  "https://*.teams.cloud.microsoft",
  "https://*.office.com",
  "https://*.microsoft365.com",
  "https://*.cloud.microsoft",
];

/** Entra: MSAL's nested app authentication (and its fallbacks) asks it for tokens. */
const ENTRA = "https://login.microsoftonline.com";
/** @microsoft/teams-js reads the list of Teams' host domains from Microsoft's CDN. */
const TEAMS_JS_CDN = "https://res.cdn.office.net";

/**
 * What the tab may load: its own scripts only (no inline script, no eval), its own styles plus the inline
 * ones index.html carries (by hash) and empty ones (the components add their rules through the CSSOM),
 * connections to the API, Entra and the Teams CDN, images from anywhere over https (an asset's picture in the
 * card preview), no plugins, no framing but by the Teams and Microsoft 365 hosts.
 */
export function contentSecurityPolicy(inlineStyles: readonly string[], styleAttributes: readonly string[]): string {
  const hash = (text: string) => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;
  const styles = [
    "'self'",
    // The components' style engine (Griffel) makes empty <style> elements and fills them through the CSSOM,
    // which the policy does not govern; the empty text itself is what is checked, so only it is allowed.
    hash(""),
    ...inlineStyles.map(hash),
    ...(styleAttributes.length ? ["'unsafe-hashes'", ...styleAttributes.map(hash)] : []),
  ];
  return [
    "default-src 'self'",
    "script-src 'self'",
    `style-src ${styles.join(" ")}`,
    `connect-src 'self' ${ENTRA} ${TEAMS_JS_CDN}`,
    "img-src 'self' data: https:",
    "font-src 'self' data:",
    `frame-src ${ENTRA}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    `frame-ancestors ${FRAME_ANCESTORS.join(" ")}`,
  ].join("; ");
}

/** The policy for the index.html being served, its inline styles hashed; read again when the build changes. */
function policyOf(index: string): () => string {
  let built = -1;
  let policy = contentSecurityPolicy([], []);
  return () => {
    const modified = existsSync(index) ? statSync(index).mtimeMs : 0;
    if (modified !== built) {
      const html = modified ? readFileSync(index, "utf8") : "";
      policy = contentSecurityPolicy(
        [...html.matchAll(/<style[^>]*>([\s\S]*?)<\/style>/gi)].map((m) => m[1] ?? ""),
        [...html.matchAll(/\sstyle="([^"]*)"/gi)].map((m) => m[1] ?? ""),
      );
      built = modified;
    }
    return policy;
  };
}

function noCacheForHtml(res: express.Response, path: string): void {
  if (path.endsWith(".html")) res.setHeader("Cache-Control", "no-cache");
}
