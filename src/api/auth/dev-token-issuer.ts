import { type CryptoKey, exportJWK, generateKeyPair, type JSONWebKeySet, SignJWT } from "jose";
import { entraIssuer, REQUIRED_SCOPE } from "./token-verifier.js";

/**
 * Dev mode only: signs Entra-shaped access tokens with a key made at start-up, so the standalone tab can
 * "sign in as" a demo person. The tokens go through the same verifier as Entra's; only the key set differs.
 */
export const DEV_KEY_ID = "throughline-dev";

export interface DevTokenIssuer {
  jwks: JSONWebKeySet;
  sign(claims: { tenantId: string; objectId: string; name: string; roles?: string[] }): Promise<string>;
}

export async function createDevTokenIssuer(clientId: string): Promise<DevTokenIssuer> {
  const { publicKey, privateKey } = await generateKeyPair("RS256");
  const kid = DEV_KEY_ID;
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" };
  return {
    jwks: { keys: [jwk] },
    sign: (claims) => signWith(privateKey as CryptoKey, kid, clientId, claims),
  };
}

async function signWith(
  key: CryptoKey,
  kid: string,
  clientId: string,
  claims: { tenantId: string; objectId: string; name: string; roles?: string[] },
): Promise<string> {
  return new SignJWT({
    tid: claims.tenantId,
    oid: claims.objectId,
    name: claims.name,
    scp: REQUIRED_SCOPE,
    ...(claims.roles?.length ? { roles: claims.roles } : {}),
    ver: "2.0",
  })
    .setProtectedHeader({ alg: "RS256", kid, typ: "JWT" })
    .setIssuer(entraIssuer(claims.tenantId))
    .setAudience(clientId)
    .setSubject(claims.objectId)
    .setIssuedAt()
    .setExpirationTime("1h")
    .sign(key);
}
