import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type CryptoKey, createRemoteJWKSet, generateKeyPair, jwtVerify, SignJWT } from "jose";

/**
 * A local stand-in for Microsoft Graph and its token endpoint, behaving like them on the wire: the
 * client-credentials grant per tenant (a signed token whose `roles` are the application permissions an
 * admin consented to), 403 Authorization_RequestDenied without the permission an endpoint needs, `$top`-sized
 * pages with `@odata.nextLink`, 429 with Retry-After on demand, and app installs that make "Teams" send the
 * bot its install event (through `onInstall`).
 */
export interface GraphUser {
  objectId: string;
  displayName: string;
  /** What mailboxSettings.timeZone says: a Windows name, an IANA name, or nothing. */
  mailboxTimeZone?: string;
  managerObjectId?: string;
}

export interface GraphTenant {
  displayName: string;
  /** Application permissions consented to in this tenant. */
  permissions: string[];
  /** Delegated permissions consented to (on-behalf-of calls); none unless given. */
  delegated?: string[];
  users: GraphUser[];
  /** Teams team id → member object ids (owners first flagged in `owners`). */
  teams?: Record<string, { members: string[]; owners?: string[] }>;
  groups?: Record<string, string[]>;
  /** The org catalogue: manifest (external) id → catalogue id. */
  catalogue?: Record<string, string>;
}

export interface GraphSimulatorOptions {
  clientId: string;
  /** Where the API's user tokens (OBO assertions) are checked: the Entra simulator's JWKS. */
  userTokenKeys?: string;
  clientSecret: string;
  tenants: Record<string, GraphTenant>;
  /** Items per page of a collection (Graph's own defaults are 100 for most; small ones test paging). */
  pageSize?: number;
  /** Called after an install is accepted, as Teams then sends the bot its install event. */
  onInstall?: (install: { tenantId: string; user: GraphUser; catalogueAppId: string }) => Promise<void> | void;
}

export interface GraphRequest {
  method: string;
  path: string;
  tenantId: string;
  /** "app" for app-only calls, else the object id of the person the call was made on behalf of. */
  as: string;
  status: number;
  at: number;
}

export interface GraphSimulator {
  authorityHost: string;
  endpoint: string;
  requests(): GraphRequest[];
  /** Installed apps per user (catalogue ids). */
  installed(tenantId: string, objectId: string): string[];
  /** The next `count` Graph calls (not tokens) answer 429 with Retry-After: `seconds`. */
  throttleNext(count: number, seconds?: number): void;
  tenant(tenantId: string): GraphTenant;
  close(): Promise<void>;
}

/** Which application permission (least privileged) each endpoint needs, as Graph's reference lists them. */
const NEEDS: [RegExp, string, string][] = [
  [/^\/organization$/, "GET", "Organization.Read.All"],
  [/^\/teams\/[^/]+\/members$/, "GET", "TeamMember.Read.All"],
  [/^\/groups\/[^/]+\/transitiveMembers\/microsoft\.graph\.user$/, "GET", "GroupMember.Read.All"],
  [/^\/users\/[^/]+$/, "GET", "User.Read.All"],
  [/^\/users\/[^/]+\/directReports\/microsoft\.graph\.user$/, "GET", "User.Read.All"],
  [/^\/users\/[^/]+\/mailboxSettings$/, "GET", "MailboxSettings.Read"],
  [/^\/appCatalogs\/teamsApps$/, "GET", "AppCatalog.Read.All"],
  [/^\/users\/[^/]+\/teamwork\/installedApps$/, "POST", "TeamsAppInstallation.ReadWriteSelfForUser.All"],
];

export async function startGraphSimulator(options: GraphSimulatorOptions): Promise<GraphSimulator> {
  const { privateKey, publicKey } = await generateKeyPair("RS256");
  const log: GraphRequest[] = [];
  const installs = new Map<string, string[]>();
  let throttle = { count: 0, seconds: 1 };
  let base = "";
  const pageSize = options.pageSize ?? 100;

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) =>
      send(res, 500, { error: { code: "InternalServerError", message: String(error) } }),
    );
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", base);
    const body = await readBody(req);
    const token = url.pathname.match(/^\/([^/]+)\/oauth2\/v2\.0\/token$/);
    if (req.method === "POST" && token) return issueToken(res, decodeURIComponent(token[1] ?? ""), body);
    if (!url.pathname.startsWith("/v1.0/")) return send(res, 404, { error: { code: "NotFound", message: "no route" } });
    const path = url.pathname.slice("/v1.0".length);

    const claims = await caller(req);
    const record = (status: number) =>
      log.push({
        method: req.method ?? "",
        path,
        tenantId: claims?.tid ?? "",
        as: claims?.oid ?? "app",
        status,
        at: Date.now(),
      });
    if (!claims) {
      record(401);
      return send(res, 401, {
        error: { code: "InvalidAuthenticationToken", message: "Access token is empty or invalid." },
      });
    }
    if (throttle.count > 0) {
      throttle.count--;
      record(429);
      return send(
        res,
        429,
        { error: { code: "TooManyRequests", message: "Too many requests" } },
        { "Retry-After": String(throttle.seconds) },
      );
    }
    const need = NEEDS.find(([pattern, method]) => pattern.test(path) && method === req.method);
    const granted = claims.oid ? claims.scp : claims.roles;
    if (need && !granted.includes(need[2])) {
      record(403);
      return send(res, 403, {
        error: {
          code: "Authorization_RequestDenied",
          message: `Insufficient privileges to complete the operation. (needs ${need[2]})`,
        },
      });
    }
    const tenant = options.tenants[claims.tid];
    if (!tenant) {
      record(404);
      return send(res, 404, { error: { code: "Request_ResourceNotFound", message: "tenant unknown" } });
    }
    const status = await route(req.method ?? "GET", path, url, tenant, claims.tid, body, res);
    record(status);
  }

  async function route(
    method: string,
    path: string,
    url: URL,
    tenant: GraphTenant,
    tenantId: string,
    body: string,
    res: ServerResponse,
  ): Promise<number> {
    const userById = (id: string) => tenant.users.find((u) => u.objectId.toLowerCase() === id.toLowerCase());
    const notFound = (what: string) =>
      reply(res, 404, { error: { code: "Request_ResourceNotFound", message: `${what} does not exist.` } });
    /** The path's id when it matches `pattern`, decoded. */
    const idIn = (pattern: RegExp) => {
      const raw = path.match(pattern)?.[1];
      return raw === undefined ? undefined : decodeURIComponent(raw);
    };
    const teamId = idIn(/^\/teams\/([^/]+)\/members$/);
    const groupId = idIn(/^\/groups\/([^/]+)\/transitiveMembers\/microsoft\.graph\.user$/);
    const managerId = idIn(/^\/users\/([^/]+)\/directReports\/microsoft\.graph\.user$/);
    const mailboxOf = idIn(/^\/users\/([^/]+)\/mailboxSettings$/);
    const installFor = idIn(/^\/users\/([^/]+)\/teamwork\/installedApps$/);
    const userId = idIn(/^\/users\/([^/]+)$/);
    if (path === "/organization")
      return reply(res, 200, { value: [{ id: tenantId, displayName: tenant.displayName }] });
    if (teamId !== undefined) {
      const team = tenant.teams?.[teamId];
      if (!team) return notFound("Team");
      const rows = team.members.map((id) => ({
        "@odata.type": "#microsoft.graph.aadUserConversationMember",
        id: randomUUID(),
        userId: id,
        displayName: userById(id)?.displayName ?? "",
        roles: team.owners?.includes(id) ? ["owner"] : [],
      }));
      return page(res, url, rows);
    }
    if (groupId !== undefined) {
      const group = tenant.groups?.[groupId];
      if (!group) return notFound("Group");
      return page(
        res,
        url,
        group.map((id) => ({ id, displayName: userById(id)?.displayName ?? "" })),
      );
    }
    if (managerId !== undefined) {
      const manager = userById(managerId);
      if (!manager) return notFound("User");
      const reports = tenant.users.filter((u) => u.managerObjectId === manager.objectId);
      return page(
        res,
        url,
        reports.map((u) => ({ id: u.objectId, displayName: u.displayName })),
      );
    }
    if (mailboxOf !== undefined) {
      const user = userById(mailboxOf);
      if (!user) return notFound("User");
      return reply(res, 200, { timeZone: user.mailboxTimeZone ?? "" });
    }
    if (installFor !== undefined && method === "POST") {
      const user = userById(installFor);
      if (!user) return notFound("User");
      const bind = String((JSON.parse(body || "{}") as Record<string, unknown>)["teamsApp@odata.bind"] ?? "");
      const appId = bind.match(/\/appCatalogs\/teamsApps\/([^/]+)$/)?.[1];
      if (!appId || !Object.values(tenant.catalogue ?? {}).includes(appId))
        return reply(res, 404, { error: { code: "NotFound", message: "App not found in the catalogue." } });
      const key = `${tenantId}|${user.objectId}`;
      const mine = installs.get(key) ?? [];
      if (mine.includes(appId))
        return reply(res, 409, { error: { code: "Conflict", message: "App is already installed for this user." } });
      installs.set(key, [...mine, appId]);
      res.writeHead(201).end();
      // Teams sends the bot its install event shortly after, not within Graph's answer.
      setTimeout(() => void options.onInstall?.({ tenantId, user, catalogueAppId: appId }), 50);
      return 201;
    }
    if (userId !== undefined) {
      const user = userById(userId);
      return user ? reply(res, 200, { id: user.objectId, displayName: user.displayName }) : notFound("User");
    }
    if (path === "/appCatalogs/teamsApps") {
      const wanted = url.searchParams.get("$filter")?.match(/^externalId eq '([^']*)'$/)?.[1];
      const id = wanted ? tenant.catalogue?.[wanted] : undefined;
      return reply(res, 200, { value: id ? [{ id, externalId: wanted, distributionMethod: "organization" }] : [] });
    }
    return reply(res, 404, { error: { code: "NotFound", message: `no route ${path}` } });
  }

  function page(res: ServerResponse, url: URL, rows: unknown[]): number {
    const skip = Number(url.searchParams.get("$skiptoken") ?? 0);
    const next = skip + pageSize < rows.length ? new URL(url) : undefined;
    next?.searchParams.set("$skiptoken", String(skip + pageSize));
    return reply(res, 200, {
      value: rows.slice(skip, skip + pageSize),
      ...(next ? { "@odata.nextLink": next.toString() } : {}),
    });
  }

  async function issueToken(res: ServerResponse, tenantId: string, body: string): Promise<void> {
    const form = new URLSearchParams(body);
    if (form.get("client_id") !== options.clientId || form.get("client_secret") !== options.clientSecret)
      return send(res, 401, {
        error: "invalid_client",
        error_description: "AADSTS7000215: Invalid client secret provided.",
      });
    if (form.get("grant_type") === "urn:ietf:params:oauth:grant-type:jwt-bearer")
      return onBehalfOf(res, tenantId, form);
    if (form.get("grant_type") !== "client_credentials" || form.get("scope") !== "https://graph.microsoft.com/.default")
      return send(res, 400, { error: "invalid_request", error_description: "AADSTS900144: bad grant or scope." });
    const tenant = options.tenants[tenantId];
    if (!tenant)
      return send(res, 400, {
        error: "unauthorized_client",
        error_description: `AADSTS700016: Application ${options.clientId} was not found in the directory ${tenantId}: not consented.`,
      });
    const token = await new SignJWT({ tid: tenantId, roles: tenant.permissions, appid: options.clientId })
      .setProtectedHeader({ alg: "RS256" })
      .setAudience("https://graph.microsoft.com")
      .setIssuer(`https://sts.windows.net/${tenantId}/`)
      .setIssuedAt()
      .setExpirationTime("1h")
      .sign(privateKey as CryptoKey);
    return send(res, 200, { token_type: "Bearer", expires_in: 3599, access_token: token });
  }

  /** The OBO grant: a valid user token for this app, issued in this tenant, becomes a delegated Graph token. */
  async function onBehalfOf(res: ServerResponse, tenantId: string, form: URLSearchParams): Promise<void> {
    const tenant = options.tenants[tenantId];
    let user: Record<string, unknown> = {};
    try {
      if (!options.userTokenKeys) throw new Error("no user token keys");
      const { payload } = await jwtVerify(
        form.get("assertion") ?? "",
        createRemoteJWKSet(new URL(options.userTokenKeys)),
        {
          audience: options.clientId,
        },
      );
      user = payload;
    } catch {
      return send(res, 400, {
        error: "invalid_grant",
        error_description: "AADSTS50013: Assertion failed signature validation.",
      });
    }
    if (!tenant || user.tid !== tenantId || form.get("requested_token_use") !== "on_behalf_of")
      return send(res, 400, {
        error: "invalid_grant",
        error_description: "AADSTS50013: Assertion is not for this tenant.",
      });
    if (!tenant.delegated?.length)
      return send(res, 400, {
        error: "invalid_grant",
        error_description: "AADSTS65001: The user or administrator has not consented to use the application.",
      });
    const token = await new SignJWT({
      tid: tenantId,
      oid: String(user.oid),
      scp: tenant.delegated.join(" "),
      appid: options.clientId,
    })
      .setProtectedHeader({ alg: "RS256" })
      .setAudience("https://graph.microsoft.com")
      .setIssuer(`https://sts.windows.net/${tenantId}/`)
      .setIssuedAt()
      .setExpirationTime("1h")
      .sign(privateKey as CryptoKey);
    return send(res, 200, { token_type: "Bearer", expires_in: 3599, access_token: token });
  }

  async function caller(
    req: IncomingMessage,
  ): Promise<{ tid: string; roles: string[]; scp: string[]; oid?: string } | undefined> {
    const header = req.headers.authorization ?? "";
    if (!header.startsWith("Bearer ")) return undefined;
    try {
      const { payload } = await jwtVerify(header.slice(7), publicKey, { audience: "https://graph.microsoft.com" });
      return {
        tid: String(payload.tid),
        roles: Array.isArray(payload.roles) ? payload.roles.map(String) : [],
        scp: typeof payload.scp === "string" ? payload.scp.split(" ") : [],
        oid: typeof payload.oid === "string" ? payload.oid.toLowerCase() : undefined,
      };
    } catch {
      return undefined;
    }
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    authorityHost: base,
    endpoint: `${base}/v1.0`,
    requests: () => [...log],
    installed: (tenantId, objectId) => installs.get(`${tenantId}|${objectId.toLowerCase()}`) ?? [],
    throttleNext(count, seconds = 1) {
      throttle = { count, seconds };
    },
    tenant(tenantId) {
      const t = options.tenants[tenantId];
      if (!t) throw new Error(`no simulated tenant ${tenantId}`);
      return t;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function reply(res: ServerResponse, status: number, body: unknown): number {
  send(res, status, body);
  return status;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", ...headers });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => {
      data += chunk;
    });
    req.on("end", () => resolve(data));
    req.on("error", reject);
  });
}
