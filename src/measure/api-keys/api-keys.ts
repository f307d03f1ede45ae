import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { ValidationError } from "../../domain/index.js";
import { type ApiKeyRecord, NotFoundError, type Storage } from "../../storage/index.js";

/** What the tab lists: never the hash or salt. */
export interface ApiKeySummary {
  keyId: string;
  name: string;
  createdBy: string;
  createdAt: string;
  revokedAt: string | null;
}

type KeyStorage = Pick<Storage, "apiKeys">;

/**
 * A key reads `tl_{tenant}_{keyId}_{secret}`: the tenant and key id say where to look (one point read);
 * only the 256-bit secret proves anything, and it is stored as HMAC-SHA256(pepper, salt + secret). A fast
 * hash is enough for a random 256-bit secret (nothing to brute-force); the pepper lives in config, so a
 * copy of the table alone cannot check guesses.
 */
const KEY_PATTERN = /^tl_([0-9a-f-]{36})_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

function hashSecret(pepper: string, salt: string, secret: string): string {
  return createHmac("sha256", pepper).update(`${salt}:${secret}`).digest("base64url");
}

/** Creates a key and returns it in full this once; only its hash is kept. */
export async function createApiKey(
  storage: KeyStorage,
  pepper: string,
  input: { tenantId: string; name: string; createdBy: string; now?: Date },
): Promise<{ key: string; summary: ApiKeySummary }> {
  const name = input.name.trim();
  if (name.length === 0 || name.length > 100)
    throw new ValidationError("api key", [{ field: "name", rule: "must be 1 to 100 characters" }]);
  const tenantId = input.tenantId.toLowerCase();
  const keyId = randomBytes(8).toString("hex");
  const secret = randomBytes(32).toString("base64url");
  const salt = randomBytes(16).toString("base64url");
  const record: ApiKeyRecord = {
    tenantId,
    keyId,
    name,
    salt,
    hash: hashSecret(pepper, salt, secret),
    createdBy: input.createdBy,
    createdAt: (input.now ?? new Date()).toISOString(),
    revokedAt: null,
  };
  await storage.apiKeys.create(record);
  return { key: `tl_${tenantId}_${keyId}_${secret}`, summary: summaryOf(record) };
}

/** Revokes at once: the next request with the key is refused. Revoking twice keeps the first date. */
export async function revokeApiKey(storage: KeyStorage, tenantId: string, keyId: string, now = new Date()) {
  const found = await storage.apiKeys.get(tenantId, keyId);
  if (!found) throw new NotFoundError("api key");
  if (found.value.revokedAt !== null) return summaryOf(found.value);
  const revoked = { ...found.value, revokedAt: now.toISOString() };
  await storage.apiKeys.replace(revoked, found.etag);
  return summaryOf(revoked);
}

export async function listApiKeys(storage: KeyStorage, tenantId: string): Promise<ApiKeySummary[]> {
  const summaries: ApiKeySummary[] = [];
  let token: string | undefined;
  do {
    const page = await storage.apiKeys.list(tenantId, { pageSize: 1000, continuationToken: token });
    summaries.push(...page.items.map((i) => summaryOf(i.value)));
    token = page.continuationToken;
  } while (token);
  return summaries;
}

/** The tenant a presented key belongs to, or undefined for a malformed, unknown, wrong or revoked key. */
export async function authenticateApiKey(
  storage: KeyStorage,
  pepper: string,
  presented: string,
): Promise<{ tenantId: string; keyId: string } | undefined> {
  const match = KEY_PATTERN.exec(presented.trim());
  if (!match) return undefined;
  const [, tenantId = "", keyId = "", secret = ""] = match;
  const found = await storage.apiKeys.get(tenantId, keyId);
  if (!found || found.value.revokedAt !== null) return undefined;
  const expected = Buffer.from(found.value.hash);
  const actual = Buffer.from(hashSecret(pepper, found.value.salt, secret));
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return undefined;
  return { tenantId: found.value.tenantId, keyId };
}

function summaryOf(r: ApiKeyRecord): ApiKeySummary {
  return { keyId: r.keyId, name: r.name, createdBy: r.createdBy, createdAt: r.createdAt, revokedAt: r.revokedAt };
}
