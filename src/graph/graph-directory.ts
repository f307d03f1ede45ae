import type { GraphConfig } from "../config.js";
import { GraphTokens } from "./app-token.js";
import { type Directory, type DirectoryPerson, GraphError, type InstallOutcome, type TeamMember } from "./directory.js";

export interface GraphDirectoryOptions {
  /** Tries of one request when Graph throttles (429) or is briefly unavailable (503, 504). */
  maxTries?: number;
  /** A Retry-After longer than this is not waited out: the call fails and its caller retries later. */
  maxWaitMs?: number;
  /** Waits between tries (tests shorten them; production sleeps). */
  sleep?: (ms: number) => Promise<void>;
}

const RETRIED = new Set([429, 503, 504]);

/**
 * The Directory over Microsoft Graph v1.0 with app-only tokens: follows `@odata.nextLink` to the last page,
 * and honours 429 / 503 with Retry-After (or a growing wait when there is none).
 */
export class GraphDirectory implements Directory {
  private readonly origin: string;
  private readonly options: Required<GraphDirectoryOptions>;

  constructor(
    private readonly config: GraphConfig,
    options: GraphDirectoryOptions = {},
    private readonly tokens = new GraphTokens(config),
    /** The signed-in person this directory acts for (OBO); app-only without one. */
    private readonly userToken?: string,
  ) {
    this.origin = new URL(config.endpoint).origin;
    this.options = {
      maxTries: 5,
      maxWaitMs: 60_000,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      ...options,
    };
  }

  /**
   * The same directory acting for a signed-in person (their verified API token): Graph then shows only what
   * that person may see, as when an admin builds a team from the directory.
   */
  onBehalfOf(userToken: string): GraphDirectory {
    return new GraphDirectory(this.config, this.options, this.tokens, userToken);
  }

  private token(tenantId: string): Promise<string> {
    return this.userToken ? this.tokens.onBehalfOf(tenantId, this.userToken) : this.tokens.app(tenantId);
  }

  async organizationName(tenantId: string): Promise<string | undefined> {
    const body = await this.json<{ value?: { displayName?: string }[] }>(tenantId, "/organization?$select=displayName");
    return body.value?.[0]?.displayName || undefined;
  }

  async teamMembers(tenantId: string, teamId: string): Promise<TeamMember[]> {
    const rows = await this.all<{ userId?: string; displayName?: string; roles?: string[] }>(
      tenantId,
      `/teams/${encodeURIComponent(teamId)}/members`,
    );
    // Guests from other tenants and members without an Entra user (userId) cannot be reached: left out.
    return rows.flatMap((m) =>
      m.userId
        ? [
            {
              objectId: m.userId.toLowerCase(),
              displayName: m.displayName ?? "",
              owner: (m.roles ?? []).includes("owner"),
            },
          ]
        : [],
    );
  }

  async groupMembers(tenantId: string, groupId: string): Promise<DirectoryPerson[]> {
    const rows = await this.all<{ id: string; displayName?: string }>(
      tenantId,
      `/groups/${encodeURIComponent(groupId)}/transitiveMembers/microsoft.graph.user?$select=id,displayName`,
    );
    return rows.map(person);
  }

  async user(tenantId: string, objectId: string): Promise<DirectoryPerson | undefined> {
    try {
      return person(
        await this.json<{ id: string; displayName?: string }>(
          tenantId,
          `/users/${encodeURIComponent(objectId)}?$select=id,displayName`,
        ),
      );
    } catch (error) {
      if (error instanceof GraphError && error.status === 404) return undefined;
      throw error;
    }
  }

  async directReports(tenantId: string, managerObjectId: string): Promise<DirectoryPerson[]> {
    const rows = await this.all<{ id: string; displayName?: string }>(
      tenantId,
      `/users/${encodeURIComponent(managerObjectId)}/directReports/microsoft.graph.user?$select=id,displayName`,
    );
    return rows.map(person);
  }

  async mailboxTimeZone(tenantId: string, objectId: string): Promise<string | undefined> {
    const body = await this.json<{ timeZone?: string }>(
      tenantId,
      `/users/${encodeURIComponent(objectId)}/mailboxSettings?$select=timeZone`,
    );
    return body.timeZone || undefined;
  }

  async catalogueAppId(tenantId: string, manifestId: string): Promise<string | undefined> {
    const filter = encodeURIComponent(`externalId eq '${manifestId.replace(/'/g, "''")}'`);
    const body = await this.json<{ value?: { id: string }[] }>(tenantId, `/appCatalogs/teamsApps?$filter=${filter}`);
    return body.value?.[0]?.id;
  }

  async installForUser(tenantId: string, objectId: string, catalogueAppId: string): Promise<InstallOutcome> {
    try {
      await this.send(tenantId, `/users/${encodeURIComponent(objectId)}/teamwork/installedApps`, {
        method: "POST",
        body: { "teamsApp@odata.bind": `${this.config.endpoint}/appCatalogs/teamsApps/${catalogueAppId}` },
      });
      return "installed";
    } catch (error) {
      if (error instanceof GraphError && error.status === 409) return "already-installed";
      throw error;
    }
  }

  private async json<T>(tenantId: string, path: string): Promise<T> {
    return (await (await this.send(tenantId, path)).json()) as T;
  }

  /** Every page of a collection, following `@odata.nextLink` (only ever back to Graph itself). */
  private async all<T>(tenantId: string, path: string): Promise<T[]> {
    const items: T[] = [];
    let next: string | undefined = path;
    for (let pages = 0; next && pages < 1_000; pages++) {
      const body = (await (await this.send(tenantId, next)).json()) as { value?: T[]; "@odata.nextLink"?: string };
      items.push(...(body.value ?? []));
      next = body["@odata.nextLink"];
      if (next && new URL(next).origin !== this.origin) throw new Error("Graph paged to another host; not followed");
    }
    return items;
  }

  private async send(tenantId: string, pathOrUrl: string, init: { method?: string; body?: unknown } = {}) {
    const url = pathOrUrl.startsWith("http") ? pathOrUrl : `${this.config.endpoint}${pathOrUrl}`;
    for (let attempt = 1; ; attempt++) {
      const response = await fetch(url, {
        method: init.method ?? "GET",
        headers: {
          authorization: `Bearer ${await this.token(tenantId)}`,
          ...(init.body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      });
      if (response.ok) return response;
      const error = await graphError(response);
      if (response.status === 401) this.tokens.forget(tenantId);
      if (!RETRIED.has(response.status) || attempt >= this.options.maxTries) throw error;
      const wait = retryAfterMs(response) ?? Math.min(30_000, 1_000 * 2 ** (attempt - 1));
      if (wait > this.options.maxWaitMs) throw error;
      await this.options.sleep(wait);
    }
  }
}

function person(row: { id: string; displayName?: string }): DirectoryPerson {
  return { objectId: row.id.toLowerCase(), displayName: row.displayName ?? "" };
}

function retryAfterMs(response: Response): number | undefined {
  const header = response.headers.get("retry-after");
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

async function graphError(response: Response): Promise<GraphError> {
  const body = (await response.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
  const code = body.error?.code ?? `HTTP${response.status}`;
  return new GraphError(response.status, code, body.error?.message ?? `Graph answered ${response.status}`);
}
