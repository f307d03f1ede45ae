import type { FieldIssue } from "../../../src/domain/validation.js";

/** What the API answers on failure: a reason, the fields and their rules (400), or what is still missing (422). */
export interface ApiErrorBody {
  error?: string;
  reason?: string;
  issues?: FieldIssue[];
  problems?: string[];
}

/** A failed API call: the status and the server's JSON (issues, problems, reason) for the UI to show. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody,
  ) {
    super(body.reason ?? body.error ?? `request failed (${status})`);
    this.name = "ApiError";
  }
}

export interface ApiResult<T> {
  data: T;
  etag: string | null;
}

export type TokenSource = () => Promise<string>;

/** HTTP to /api/v1 with the caller's token; every answer is JSON, every failure an ApiError. */
export function transport(getToken: TokenSource) {
  async function call<T>(method: string, path: string, body?: unknown, etag?: string): Promise<ApiResult<T>> {
    const token = await getToken();
    const response = await fetch(`/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...(etag ? { "if-match": etag } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const json = text ? JSON.parse(text) : undefined;
    if (!response.ok) throw new ApiError(response.status, json ?? {});
    return { data: json as T, etag: response.headers.get("etag") };
  }
  /** A file sent as the request body (the browser streams it), for the CSV imports. */
  async function upload<T>(path: string, file: Blob): Promise<T> {
    const token = await getToken();
    const response = await fetch(`/api/v1${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "text/csv" },
      body: file,
    });
    const json = await response.json().catch(() => ({}));
    if (!response.ok && !(response.status === 400 && "rows" in json)) throw new ApiError(response.status, json);
    return json as T;
  }
  /** A download behind the token: fetched as a blob, then saved under `name` by the browser. */
  async function download(path: string, name: string): Promise<void> {
    const token = await getToken();
    const response = await fetch(`/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } });
    if (!response.ok) throw new ApiError(response.status, await response.json().catch(() => ({})));
    const url = URL.createObjectURL(await response.blob());
    const link = Object.assign(document.createElement("a"), { href: url, download: name });
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
  return {
    upload,
    download,
    del: <T>(path: string) => call<T>("DELETE", path),
    put: <T>(path: string, body: unknown, etag: string | null) => call<T>("PUT", path, body, etag ?? undefined),
    get: <T>(path: string) => call<T>("GET", path),
    post: <T>(path: string, body: unknown, etag?: string) => call<T>("POST", path, body, etag),
  };
}

export type Transport = ReturnType<typeof transport>;

/** Dev mode: the people the server offers to sign in as, and a token for one of them. */
export async function devPeople(): Promise<{ objectId: string; name: string; role: string; team: string | null }[]> {
  const response = await fetch("/api/v1/dev/people");
  if (!response.ok) throw new ApiError(response.status, { reason: "dev sign-in is not enabled on this server" });
  return (await response.json()).items;
}

export async function devToken(objectId: string): Promise<string> {
  const response = await fetch("/api/v1/dev/token", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ objectId }),
  });
  if (!response.ok) throw new ApiError(response.status, await response.json());
  return (await response.json()).token;
}
