import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, jwtVerify, SignJWT } from "jose";
import { seededRandom } from "../../src/demo/demo-ids.js";

/**
 * A local stand-in for the parts of the Teams service a bot talks to, behaving like them on the wire:
 * the Bot Connector (/v3/conversations…, with Teams' rate limits, injected faults and blocked
 * conversations), the Bot Framework token endpoint (client credentials → a JWT it signs) and the
 * OpenID metadata + keys that inbound channel tokens are checked against.
 */
export interface SimulatorOptions {
  appId?: string;
  appPassword?: string;
  /** Enforce Teams' per-conversation limits (7/1 s, 8/2 s, 60/30 s, 1800/h). Default true. */
  conversationLimits?: boolean;
  /** Requests per second the bot may make across all conversations (Teams' per-bot ceiling). Default 50. */
  perSecond?: number;
  /** Share of requests answered with an injected 429/500/502/503 (0–1). Default 0. */
  faultRate?: number;
  /** Seed of the fault injection, for repeatable runs. */
  seed?: number;
  /** Time the service takes to answer a message, in ms. Default 0. */
  latencyMs?: number;
}

export interface RecordedActivity {
  method: "POST" | "PUT";
  conversationId: string;
  activityId: string;
  replyToId?: string;
  body: Record<string, unknown>;
  at: number;
}

export interface BotConnectorSimulator {
  serviceUrl: string;
  tokenUrl: string;
  /** The login URL prefix botbuilder appends the tenant to (ToChannelFromBotLoginUrl). */
  loginUrl: string;
  openIdMetadataUrl: string;
  issuer: string;
  channelToken(options?: ChannelTokenOptions): Promise<string>;
  activities(conversationId?: string): RecordedActivity[];
  accepted(conversationId: string): number;
  /** Requests answered 429 because a limit was exceeded (not injected faults). */
  throttled(): number;
  injectedFaults(): number;
  /** HTTP requests to this conversation's activities, whatever the answer. */
  requests(conversationId: string): number;
  /**
   * The next request to this conversation is answered with `status` (as Teams would word it); "drop" takes
   * the message and then drops the connection without answering, as a network failure after the send would.
   */
  failNext(conversationId: string, status: number | "drop", retryAfterSeconds?: number): void;
  /** Seconds with the most accepted requests across all conversations: [second, count], busiest first. */
  busiestSeconds(top?: number): [number, number][];
  uninstall(conversationId: string): void;
  reinstall(conversationId: string): void;
  setMembers(conversationId: string, members: Record<string, unknown>[]): void;
  /**
   * What Teams does when the app is installed for (or removed by) a person: posts a signed
   * installationUpdate for their personal chat to the bot's endpoint. A removal also makes later sends to the
   * chat answer 403, as Teams does. Returns the chat's id and the bot endpoint's status.
   */
  installEvent(event: InstallEvent): Promise<{ conversationId: string; status: number }>;
  /** Posts an activity to the bot's endpoint as Teams does: signed, with this service as its serviceUrl. */
  send(endpoint: string, activity: Record<string, unknown>): Promise<{ status: number; body: unknown }>;
  setFaultRate(rate: number): void;
  /**
   * Holds the next request for the channel's OpenID metadata (the first step of checking an inbound token)
   * until released: an inbound activity is then in flight for as long as a test needs.
   */
  holdOpenIdMetadata(): { requested: Promise<void>; release(): void };
  close(): Promise<void>;
}

export interface InstallEvent {
  /** The bot's messaging endpoint, e.g. http://127.0.0.1:PORT/api/messages. */
  endpoint: string;
  action: "add" | "remove";
  tenantId: string;
  objectId: string;
  name: string;
  /** What the person's Teams client reports in its clientInfo entity. */
  timeZone?: string;
}

/** The personal chat between the bot and a person: one per person, the same across reinstalls. */
export function personalChatId(objectId: string): string {
  return `a:1${objectId.replace(/-/g, "")}`;
}

export interface ChannelTokenOptions {
  audience?: string;
  serviceUrl?: string;
  expiresInSeconds?: number;
  issuer?: string;
  /** Sign with a key the metadata does not publish: a forged token. */
  signWithUnknownKey?: boolean;
}

const CHANNEL_ISSUER = "https://api.botframework.com";
const WINDOWS: [ms: number, max: number][] = [
  [1_000, 7],
  [2_000, 8],
  [30_000, 60],
  [3_600_000, 1_800],
];

export async function startBotConnectorSimulator(options: SimulatorOptions = {}): Promise<BotConnectorSimulator> {
  const channelKeys = await generateKeyPair("RS256");
  const loginKeys = await generateKeyPair("RS256");
  const forgedKeys = await generateKeyPair("RS256");
  const channelJwk = { ...(await exportJWK(channelKeys.publicKey)), kid: "sim-channel", use: "sig", alg: "RS256" };

  const recorded: RecordedActivity[] = [];
  const acceptedBy = new Map<string, number>();
  const sentAt = new Map<string, number[]>();
  const blocked = new Set<string>();
  const requestsTo = new Map<string, number>();
  const scripted = new Map<string, { status: number | "drop"; retryAfterSeconds?: number }>();
  const acceptedPerSecond = new Map<number, number>();
  const members = new Map<string, Record<string, unknown>[]>();
  let faultRate = options.faultRate ?? 0;
  let random = seededRandom(options.seed ?? 1);
  let throttledCount = 0;
  let faultCount = 0;
  const perSecond = options.perSecond ?? 50;
  let bucket = perSecond;
  let bucketAt = Date.now();
  let base = "";
  let metadataHold: { arrived(): void; released: Promise<void> } | undefined;

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) =>
      send(res, 500, { error: { code: "ServiceError", message: String(error) } }),
    );
  });
  // Like a service behind a load balancer, idle connections stay open longer than a client keeps them, so
  // the client never reuses one the server is closing (a reset that would look like a lost answer).
  server.keepAliveTimeout = 65_000;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", base);
    const path = url.pathname;
    const body = await readBody(req);

    if (req.method === "GET" && path === "/v1/.well-known/openidconfiguration") {
      const hold = metadataHold;
      metadataHold = undefined;
      if (hold) {
        hold.arrived();
        await hold.released;
      }
      return send(res, 200, {
        issuer: CHANNEL_ISSUER,
        jwks_uri: `${base}/v1/keys`,
        id_token_signing_alg_values_supported: ["RS256"],
        token_endpoint_auth_methods_supported: ["private_key_jwt"],
      });
    }
    if (req.method === "GET" && path === "/v1/keys") {
      return send(res, 200, { keys: [{ ...channelJwk, endorsements: ["msteams"] }] });
    }
    const token = path.match(/^\/login\/([^/]+)\/oauth2\/v2\.0\/token$/);
    if (req.method === "POST" && token) return issueToken(res, new URLSearchParams(body));

    const conversations = path.match(/^\/v3\/conversations(?:\/([^/]+)(?:\/(activities|members)(?:\/([^/]+))?)?)?$/);
    if (!conversations) return send(res, 404, { error: { code: "NotFound", message: `no route ${path}` } });
    if (options.appId && !(await authorised(req))) {
      return send(res, 401, { message: "Authorization has been denied for this request." });
    }
    const [, rawId, kind, itemId] = conversations;
    const conversationId = rawId ? decodeURIComponent(rawId) : undefined;

    if (req.method === "POST" && !conversationId) {
      const id = `a:${randomUUID()}`;
      return send(res, 201, { id, activityId: randomUUID() });
    }
    if (req.method === "GET" && conversationId && kind === "members") {
      const list = members.get(conversationId) ?? [];
      if (itemId) {
        const member = list.find((m) => m.id === itemId || m.aadObjectId === itemId);
        return member ? send(res, 200, member) : send(res, 404, { error: { code: "MemberNotFound" } });
      }
      return send(res, 200, list);
    }
    if (conversationId && kind === "activities" && (req.method === "POST" || req.method === "PUT")) {
      return message(res, req.method, conversationId, itemId ? decodeURIComponent(itemId) : undefined, body);
    }
    return send(res, 405, { error: { code: "MethodNotAllowed" } });
  }

  async function message(
    res: ServerResponse,
    method: "POST" | "PUT",
    conversationId: string,
    itemId: string | undefined,
    body: string,
  ): Promise<void> {
    if (options.latencyMs) await new Promise((r) => setTimeout(r, options.latencyMs));
    requestsTo.set(conversationId, (requestsTo.get(conversationId) ?? 0) + 1);
    const script = scripted.get(conversationId);
    if (script) scripted.delete(conversationId);
    if (script && script.status !== "drop") {
      return send(res, script.status, teamsError(script.status), {
        ...(script.retryAfterSeconds !== undefined ? { "Retry-After": String(script.retryAfterSeconds) } : {}),
      });
    }
    if (faultRate > 0 && random() < faultRate) {
      faultCount++;
      const status = [429, 500, 502, 503][Math.floor(random() * 4)] ?? 503;
      const headers: Record<string, string> = status === 429 ? { "Retry-After": "1" } : {};
      return send(res, status, { error: { code: status === 429 ? "Throttled" : "ServiceError" } }, headers);
    }
    const wait = limitWait(conversationId);
    if (wait > 0) {
      throttledCount++;
      return send(
        res,
        429,
        { error: { code: "Throttled", message: "Too many requests" } },
        { "Retry-After": String(Math.ceil(wait / 1000)) },
      );
    }
    if (blocked.has(conversationId)) {
      return send(res, 403, {
        error: { code: "ConversationBlockedByUser", message: "User blocked the conversation with the bot." },
      });
    }
    let activity: Record<string, unknown>;
    try {
      activity = JSON.parse(body || "{}") as Record<string, unknown>;
    } catch {
      return send(res, 400, { error: { code: "BadSyntax", message: "body is not JSON" } });
    }
    const activityId = method === "PUT" && itemId ? itemId : `1:${randomUUID()}`;
    const at = Date.now();
    acceptedPerSecond.set(Math.floor(at / 1000), (acceptedPerSecond.get(Math.floor(at / 1000)) ?? 0) + 1);
    recorded.push({
      method,
      conversationId,
      activityId,
      replyToId: method === "POST" ? itemId : undefined,
      body: activity,
      at,
    });
    acceptedBy.set(conversationId, (acceptedBy.get(conversationId) ?? 0) + 1);
    sentAt.set(conversationId, [...(sentAt.get(conversationId) ?? []), at]);
    if (script?.status === "drop") {
      res.socket?.destroy();
      return;
    }
    return send(res, method === "POST" ? 201 : 200, { id: activityId });
  }

  /** Milliseconds until a message to this conversation would be within every limit; 0 = now. */
  function limitWait(conversationId: string): number {
    const now = Date.now();
    bucket = Math.min(perSecond, bucket + ((now - bucketAt) / 1000) * perSecond);
    bucketAt = now;
    let wait = bucket >= 1 ? 0 : Math.ceil(((1 - bucket) / perSecond) * 1000);
    if (options.conversationLimits !== false) {
      const times = (sentAt.get(conversationId) ?? []).filter((t) => now - t < 3_600_000);
      sentAt.set(conversationId, times);
      for (const [ms, max] of WINDOWS) {
        const inWindow = times.filter((t) => now - t < ms);
        if (inWindow.length >= max) wait = Math.max(wait, (inWindow[inWindow.length - max] ?? now) + ms - now);
      }
    }
    if (wait === 0) bucket -= 1;
    return wait;
  }

  async function issueToken(res: ServerResponse, form: URLSearchParams): Promise<void> {
    if (
      form.get("grant_type") !== "client_credentials" ||
      form.get("client_id") !== options.appId ||
      form.get("client_secret") !== options.appPassword
    ) {
      return send(res, 401, { error: "invalid_client", error_description: "AADSTS7000215: Invalid client secret." });
    }
    const accessToken = await new SignJWT({ appid: options.appId })
      .setProtectedHeader({ alg: "RS256", kid: "sim-login" })
      .setIssuer("https://sts.windows.net/d6d49420-f39b-4df7-a1dc-d59a935871db/")
      .setAudience("https://api.botframework.com")
      .setIssuedAt()
      .setExpirationTime("1h")
      .sign(loginKeys.privateKey);
    return send(res, 200, { token_type: "Bearer", expires_in: 3600, ext_expires_in: 3600, access_token: accessToken });
  }

  async function authorised(req: IncomingMessage): Promise<boolean> {
    const header = req.headers.authorization ?? "";
    if (!header.startsWith("Bearer ")) return false;
    try {
      const { payload } = await jwtVerify(header.slice(7), loginKeys.publicKey, {
        audience: "https://api.botframework.com",
      });
      return payload.appid === options.appId;
    } catch {
      return false;
    }
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const simulator: BotConnectorSimulator = {
    serviceUrl: `${base}/`,
    tokenUrl: `${base}/login/botframework.com/oauth2/v2.0/token`,
    loginUrl: `${base}/login/`,
    openIdMetadataUrl: `${base}/v1/.well-known/openidconfiguration`,
    issuer: CHANNEL_ISSUER,
    async channelToken(o: ChannelTokenOptions = {}) {
      const key = o.signWithUnknownKey ? forgedKeys.privateKey : channelKeys.privateKey;
      const now = Math.floor(Date.now() / 1000);
      const expires = now + (o.expiresInSeconds ?? 3600);
      return new SignJWT({ serviceurl: o.serviceUrl ?? `${base}/` })
        .setProtectedHeader({ alg: "RS256", kid: "sim-channel", typ: "JWT" })
        .setIssuer(o.issuer ?? CHANNEL_ISSUER)
        .setAudience(o.audience ?? options.appId ?? "")
        .setIssuedAt(Math.min(now, expires - 60))
        .setNotBefore(Math.min(now, expires - 60))
        .setExpirationTime(expires)
        .sign(key);
    },
    activities: (conversationId) =>
      conversationId ? recorded.filter((a) => a.conversationId === conversationId) : [...recorded],
    accepted: (conversationId) => acceptedBy.get(conversationId) ?? 0,
    throttled: () => throttledCount,
    injectedFaults: () => faultCount,
    requests: (conversationId) => requestsTo.get(conversationId) ?? 0,
    failNext: (conversationId, status, retryAfterSeconds) =>
      scripted.set(conversationId, { status, retryAfterSeconds }),
    busiestSeconds: (top = 5) => [...acceptedPerSecond].sort((a, b) => b[1] - a[1]).slice(0, top),
    uninstall: (conversationId) => blocked.add(conversationId),
    reinstall: (conversationId) => blocked.delete(conversationId),
    setMembers: (conversationId, list) => members.set(conversationId, list),
    async installEvent(event) {
      const conversationId = personalChatId(event.objectId);
      if (event.action === "remove") blocked.add(conversationId);
      else blocked.delete(conversationId);
      const { status } = await simulator.send(event.endpoint, {
        type: "installationUpdate",
        action: event.action,
        id: randomUUID(),
        timestamp: new Date().toISOString(),
        channelId: "msteams",
        serviceUrl: `${base}/`,
        from: { id: `29:${event.objectId}`, aadObjectId: event.objectId, name: event.name },
        recipient: { id: `28:${options.appId ?? "bot"}`, name: "Throughline" },
        conversation: { id: conversationId, conversationType: "personal", tenantId: event.tenantId },
        channelData: { tenant: { id: event.tenantId } },
        entities: event.timeZone ? [{ type: "clientInfo", locale: "en-GB", timezone: event.timeZone }] : [],
      });
      return { conversationId, status };
    },
    async send(endpoint, activity) {
      const token = await simulator.channelToken();
      const response = await fetch(endpoint, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({
          id: randomUUID(),
          timestamp: new Date().toISOString(),
          serviceUrl: `${base}/`,
          recipient: { id: `28:${options.appId ?? "bot"}`, name: "Throughline" },
          ...activity,
        }),
      });
      const text = await response.text();
      return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
    },
    setFaultRate(rate) {
      faultRate = rate;
      random = seededRandom(options.seed ?? 1);
    },
    holdOpenIdMetadata() {
      let arrived = () => {};
      let release = () => {};
      const requested = new Promise<void>((resolve) => {
        arrived = resolve;
      });
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      metadataHold = { arrived, released };
      return { requested, release };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return simulator;
}

/** Error bodies in the Bot Connector's words. */
function teamsError(status: number): unknown {
  const codes: Record<number, [string, string]> = {
    400: ["BadArgument", "Activity is malformed"],
    403: ["ConversationBlockedByUser", "User blocked the conversation with the bot."],
    404: ["ConversationNotFound", "Conversation not found."],
    412: ["PreconditionFailed", "Precondition failed."],
    429: ["Throttled", "Too many requests"],
  };
  const [code, message] = codes[status] ?? ["ServiceError", "An error occurred"];
  return { error: { code, message } };
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
