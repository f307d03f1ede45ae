import { createLocalJWKSet, createRemoteJWKSet, type JWTVerifyGetKey } from "jose";
import type { AuthConfig } from "../../config.js";
import { createDevTokenIssuer, DEV_KEY_ID, type DevTokenIssuer } from "./dev-token-issuer.js";
import { createTokenVerifier, type TokenVerifier } from "./token-verifier.js";

/**
 * The verifier for the configured Entra app. In dev mode a local issuer's key is added to Entra's set:
 * its tokens pass the very same checks (audience, issuer, tenant, scope, expiry).
 */
export async function authFromConfig(
  auth: AuthConfig,
): Promise<{ verify: TokenVerifier; devIssuer?: DevTokenIssuer; isTenantAllowed: TenantAllowed }> {
  const devIssuer = auth.devMode ? await createDevTokenIssuer(auth.clientId) : undefined;
  const keys = keySet(auth.jwksUrl, devIssuer);
  // The configured list alone: a tenant becomes known by being allowed and used, so storage cannot decide it.
  const allowed = new Set(auth.allowedTenants);
  const isTenantAllowed: TenantAllowed = async (tenantId) => allowed.has(tenantId.toLowerCase());
  const verify = createTokenVerifier({
    clientId: auth.clientId,
    appIdUri: auth.appIdUri,
    keys,
    isTenantAllowed,
    maxLifetimeSeconds: auth.maxTokenLifetimeSeconds,
    clockSkewSeconds: auth.clockSkewSeconds,
  });
  return { verify, devIssuer, isTenantAllowed };
}

/** Whether a tenant may use the app at all (ALLOWED_TENANT_IDS): for tokens and API keys alike. */
export type TenantAllowed = (tenantId: string) => Promise<boolean>;

/** Entra's published keys, plus the dev issuer's key (by its key id) when there is one. */
export function keySet(jwksUrl: string, devIssuer?: DevTokenIssuer): JWTVerifyGetKey {
  const remote = createRemoteJWKSet(new URL(jwksUrl));
  const local = devIssuer ? createLocalJWKSet(devIssuer.jwks) : undefined;
  return (header, token) => (local && header.kid === DEV_KEY_ID ? local(header, token) : remote(header, token));
}
