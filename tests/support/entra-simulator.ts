import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type CryptoKey, exportJWK, generateKeyPair, type JWTPayload, SignJWT } from "jose";

/**
 * Stands in for Entra ID: publishes a JWKS over HTTP like login.microsoftonline.com's discovery keys and
 * signs v2 access tokens with tid/oid/aud/scp/roles/iss. A second, unpublished key forges bad signatures.
 */
export interface EntraSimulator {
  jwksUrl: string;
  clientId: string;
  appIdUri: string;
  /** A valid Teams SSO token for the person; override any claim or header to break it. */
  token(
    who: { tenantId: string; objectId: string; name?: string; roles?: string[] },
    overrides?: {
      claims?: JWTPayload;
      expiresIn?: string | number;
      signWith?: "entra" | "forger";
      omit?: string[];
    },
  ): Promise<string>;
  stop(): Promise<void>;
}

export async function startEntraSimulator(clientId = "11111111-2222-4333-8444-555555555555"): Promise<EntraSimulator> {
  const entra = await generateKeyPair("RS256");
  const forger = await generateKeyPair("RS256");
  const kid = "entra-sim-1";
  const jwks = { keys: [{ ...(await exportJWK(entra.publicKey)), kid, alg: "RS256", use: "sig" }] };

  const server: Server = createServer((req, res) => {
    if (req.url === "/common/discovery/v2.0/keys") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(jwks));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const appIdUri = `api://localhost/${clientId}`;

  return {
    jwksUrl: `http://127.0.0.1:${port}/common/discovery/v2.0/keys`,
    clientId,
    appIdUri,
    async token(who, overrides = {}) {
      const claims: JWTPayload = {
        aud: clientId,
        iss: `https://login.microsoftonline.com/${who.tenantId}/v2.0`,
        tid: who.tenantId,
        oid: who.objectId,
        sub: who.objectId,
        name: who.name ?? "Test Person",
        scp: "access_as_user",
        ver: "2.0",
        ...(who.roles ? { roles: who.roles } : {}),
        ...overrides.claims,
      };
      for (const name of overrides.omit ?? []) delete claims[name];
      const key = overrides.signWith === "forger" ? forger.privateKey : entra.privateKey;
      const expiresIn = overrides.expiresIn ?? "1h";
      const jwt = new SignJWT(claims).setProtectedHeader({ alg: "RS256", kid, typ: "JWT" });
      if (!overrides.omit?.includes("iat"))
        jwt.setIssuedAt(
          claims.iat ??
            (typeof expiresIn === "number" && expiresIn < 0 ? Math.floor(Date.now() / 1000) - 7200 : undefined),
        );
      return jwt
        .setExpirationTime(typeof expiresIn === "number" ? Math.floor(Date.now() / 1000) + expiresIn : expiresIn)
        .sign(key as CryptoKey);
    },
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
