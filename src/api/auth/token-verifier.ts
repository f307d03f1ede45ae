import { type JWTPayload, type JWTVerifyGetKey, errors as joseErrors, jwtVerify } from "jose";

/** Who called, from the verified token alone. */
export interface VerifiedIdentity {
  tenantId: string;
  objectId: string;
  name: string;
  /** Entra app roles assigned to the caller (e.g. "Admin"). */
  appRoles: string[];
}

/** Why a token was refused; the reason is safe to return to the caller (it names no secret). */
export class AuthError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = "AuthError";
  }
}

export interface TokenVerifierOptions {
  clientId: string;
  appIdUri?: string;
  /** Entra's signing keys (a remote JWKS in production, the dev issuer's local set in dev mode). */
  keys: JWTVerifyGetKey;
  /** Whether a tenant may call at all (the configured list). */
  isTenantAllowed(tenantId: string): Promise<boolean>;
  /** Tokens valid for longer than this (exp − iat) are refused; Entra's live 60–90 minutes, a day at most. */
  maxLifetimeSeconds?: number;
  /** How far the issuer's clock may be off ours (exp, nbf, iat). */
  clockSkewSeconds?: number;
}

export const REQUIRED_SCOPE = "access_as_user";
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The only issuer an Entra v2 access token of tenant `tid` may carry. */
export function entraIssuer(tenantId: string): string {
  return `https://login.microsoftonline.com/${tenantId}/v2.0`;
}

export type TokenVerifier = (token: string) => Promise<VerifiedIdentity>;

/** Verifies a Teams SSO token: signature, audience, expiry, issuer of an allowed tenant, scope. */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const audience = [options.clientId, options.appIdUri].filter((a): a is string => Boolean(a));
  const maxLifetime = options.maxLifetimeSeconds ?? 86_400;
  const skew = options.clockSkewSeconds ?? 60;
  return async (token) => {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, options.keys, {
        audience,
        algorithms: ["RS256"],
        requiredClaims: ["exp", "iat", "iss", "aud"],
        clockTolerance: skew,
        // Also refuses an iat in the future (beyond the skew): a token cannot have been issued later than now.
        maxTokenAge: maxLifetime,
      }));
    } catch (error) {
      throw new AuthError(describeJoseError(error));
    }
    // A signature proves who issued the token, not that it is sane: no issuer we trust hands out tokens for years.
    if ((payload.exp ?? 0) - (payload.iat ?? 0) > maxLifetime)
      throw new AuthError(`token lifetime (exp - iat) is longer than ${maxLifetime} s`);
    const tid = typeof payload.tid === "string" ? payload.tid : "";
    const oid = typeof payload.oid === "string" ? payload.oid : "";
    if (!GUID.test(tid)) throw new AuthError("token has no tenant id (tid)");
    if (!GUID.test(oid)) throw new AuthError("token has no object id (oid)");
    if (payload.iss !== entraIssuer(tid)) throw new AuthError("token issuer does not match its tenant");
    const scopes = typeof payload.scp === "string" ? payload.scp.split(" ") : [];
    if (!scopes.includes(REQUIRED_SCOPE)) throw new AuthError(`token lacks the ${REQUIRED_SCOPE} scope`);
    const tenantId = tid.toLowerCase();
    if (!(await options.isTenantAllowed(tenantId))) throw new AuthError("tenant is not allowed");
    const roles = Array.isArray(payload.roles) ? payload.roles.filter((r): r is string => typeof r === "string") : [];
    return {
      tenantId,
      objectId: oid.toLowerCase(),
      name: typeof payload.name === "string" ? payload.name : "",
      appRoles: roles,
    };
  };
}

function describeJoseError(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return "token has expired";
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return "token signature is not valid";
  if (error instanceof joseErrors.JWKSNoMatchingKey) return "token was not signed by a known key";
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === "aud") return "token audience is not this app";
    if (error.claim === "iat") return "token claim iat is not valid (missing, or in the future)";
    return `token claim ${error.claim} is not valid`;
  }
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return "token algorithm is not allowed";
  if (error instanceof joseErrors.JWTInvalid || error instanceof joseErrors.JWSInvalid) return "token is malformed";
  return "token could not be verified";
}
