import { createHash } from "node:crypto";
import type { GraphConfig } from "../config.js";
import { GraphError } from "./directory.js";

const GRAPH_SCOPE = "https://graph.microsoft.com/.default";

/**
 * Graph tokens per customer tenant, cached until five minutes before expiry: app-only (the client-credentials
 * grant) and on behalf of a signed-in person (the OBO grant: their verified API token in, a delegated Graph
 * token out, so Graph applies that person's own rights). Plain grants posted to
 * `{authorityHost}/{tenant}/oauth2/v2.0/token` rather than MSAL (or TeamsFx's AppCredential and
 * OnBehalfOfUserCredential, which wrap MSAL): MSAL insists on an https authority and asks
 * login.microsoftonline.com for instance discovery of any other host, so no local stand-in could be used.
 */
export class GraphTokens {
  private readonly cache = new Map<string, { token: string; until: number }>();
  private readonly pending = new Map<string, Promise<string>>();

  constructor(private readonly config: Pick<GraphConfig, "clientId" | "clientSecret" | "authorityHost">) {}

  app(tenantId: string): Promise<string> {
    return this.cached(`app|${tenantId}`, tenantId, { grant_type: "client_credentials" });
  }

  /** A delegated token for the person whose (already verified) API token this is. */
  onBehalfOf(tenantId: string, userToken: string): Promise<string> {
    const key = `obo|${tenantId}|${createHash("sha256").update(userToken).digest("hex")}`;
    return this.cached(key, tenantId, {
      grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer",
      requested_token_use: "on_behalf_of",
      assertion: userToken,
    });
  }

  /** After a 401 from Graph: the cached tokens of the tenant are no good. */
  forget(tenantId: string): void {
    for (const key of this.cache.keys()) if (key.split("|")[1] === tenantId) this.cache.delete(key);
  }

  private cached(key: string, tenantId: string, grant: Record<string, string>): Promise<string> {
    const hit = this.cache.get(key);
    if (hit && hit.until > Date.now()) return Promise.resolve(hit.token);
    let pending = this.pending.get(key);
    if (!pending) {
      pending = this.request(key, tenantId, grant).finally(() => this.pending.delete(key));
      this.pending.set(key, pending);
    }
    return pending;
  }

  private async request(key: string, tenantId: string, grant: Record<string, string>): Promise<string> {
    const response = await fetch(`${this.config.authorityHost}/${encodeURIComponent(tenantId)}/oauth2/v2.0/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        ...grant,
        client_id: this.config.clientId,
        client_secret: this.config.clientSecret,
        scope: GRAPH_SCOPE,
      }),
    });
    const body = (await response.json().catch(() => ({}))) as {
      access_token?: string;
      expires_in?: number;
      error?: string;
      error_description?: string;
    };
    if (!response.ok || !body.access_token) {
      // AADSTS codes say what to fix (consent not granted, wrong secret); the description names no secret.
      const first = (body.error_description ?? "").split(/\r?\n/)[0] ?? "";
      throw new GraphError(
        response.status === 400 ? 403 : response.status,
        body.error ?? "token_request_failed",
        `no Graph token for tenant ${tenantId}: ${first || `HTTP ${response.status}`}`,
      );
    }
    const seconds = body.expires_in ?? 3600;
    this.cache.set(key, { token: body.access_token, until: Date.now() + Math.max(60, seconds - 300) * 1000 });
    return body.access_token;
  }
}
