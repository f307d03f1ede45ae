import type { GraphConfig } from "../config.js";
import { GraphError } from "./directory.js";

const GRAPH_SCOPE = "https://graph.microsoft.com/.default";

/**
 * App-only Graph tokens per customer tenant: the OAuth 2.0 client-credentials grant posted to
 * `{authorityHost}/{tenant}/oauth2/v2.0/token`, cached until five minutes before expiry. A plain grant rather
 * than MSAL (or TeamsFx's AppCredential, which wraps MSAL): MSAL insists on an https authority and asks
 * login.microsoftonline.com for instance discovery of any other host, so no local stand-in could be used.
 */
export class AppTokens {
  private readonly cache = new Map<string, { token: string; until: number }>();
  private readonly pending = new Map<string, Promise<string>>();

  constructor(private readonly config: Pick<GraphConfig, "clientId" | "clientSecret" | "authorityHost">) {}

  async token(tenantId: string): Promise<string> {
    const cached = this.cache.get(tenantId);
    if (cached && cached.until > Date.now()) return cached.token;
    let pending = this.pending.get(tenantId);
    if (!pending) {
      pending = this.request(tenantId).finally(() => this.pending.delete(tenantId));
      this.pending.set(tenantId, pending);
    }
    return pending;
  }

  /** After a 401 from Graph: the cached token is no good. */
  forget(tenantId: string): void {
    this.cache.delete(tenantId);
  }

  private async request(tenantId: string): Promise<string> {
    const response = await fetch(`${this.config.authorityHost}/${encodeURIComponent(tenantId)}/oauth2/v2.0/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "client_credentials",
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
    this.cache.set(tenantId, { token: body.access_token, until: Date.now() + Math.max(60, seconds - 300) * 1000 });
    return body.access_token;
  }
}
