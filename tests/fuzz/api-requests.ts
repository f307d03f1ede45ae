import { randomUUID } from "node:crypto";
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { openApiDocument } from "../../src/api/index.js";
import { aChallenge, aKpi, aProgram, aTeam, STALE_ETAG } from "../support/fixtures.js";
import type { FuzzWorld } from "./fuzz-world.js";

/** One HTTP request as the fuzz sends it. */
export interface FuzzRequest {
  operation: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

/** Every operation of the OpenAPI document: "POST /programs/{id}/clone" and the like. */
export function operations(): { method: string; template: string }[] {
  const paths = openApiDocument().paths as Record<string, Record<string, unknown>>;
  return Object.entries(paths).flatMap(([template, ops]) =>
    Object.keys(ops).map((method) => ({ method: method.toUpperCase(), template })),
  );
}

/** Text that has broken things before: key separators, path characters, control characters, sizes, scripts. */
const hostileText = fc.oneof(
  fc.constantFrom(
    "a|b",
    "a/b",
    "a#b",
    "a\\b",
    "a?b",
    "\u0000",
    "a\u001fb",
    "\u007f",
    "x".repeat(65),
    "x".repeat(2_000),
    ".",
    "..",
    "~",
    " ",
    "ü",
    "😀",
    "a b",
    "<script>",
    "' or 1 eq 1",
    "PartitionKey eq ''",
    "null",
    "undefined",
    "-1",
    "1e309",
    "__proto__",
    "constructor",
  ),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
);

/** A path part as it goes on the wire: encoded, or with its percent-encoding broken on purpose. */
function onTheWire(part: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.tuple(part, fc.nat(4)).map(([text, how]) => {
    const encoded = encodeURIComponent(text);
    switch (how) {
      case 0:
        return `${encoded}%`;
      case 1:
        return `${encoded}%ZZ`;
      case 2:
        return encoded.replace(/%[0-9A-F]{2}/, "%E0%A4%A");
      default:
        return encoded;
    }
  });
}

function idsFor(world: FuzzWorld): Record<string, string[]> {
  const programIds = ["prog-1", "b-only", "nope", "prog-bot"];
  return {
    id: programIds,
    programId: programIds,
    teamId: ["team-a", "team-b", "team-north", "new-team"],
    assetId: ["challenge-1", "asset-x"],
    kpiId: ["win-rate", "nps"],
    keyId: [world.apiKeys.keyId, "0123456789abcdef"],
    month: ["2026-11", "2026-11.csv", "2026-13", "2026"],
    objectId: [world.a.learner.objectId, world.a.manager.objectId, world.a.admin.objectId, randomUUID()],
  };
}

function pathParam(name: string, world: FuzzWorld): fc.Arbitrary<string> {
  const known = idsFor(world)[name] ?? ["x"];
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...known).map(encodeURIComponent) },
    { weight: 2, arbitrary: onTheWire(hostileText) },
  );
}

const queryValue = fc.oneof(
  fc.constantFrom(
    "preview",
    "commit",
    "commit-valid",
    "true",
    "false",
    "day-first",
    "month-first",
    "active",
    "draft",
    "10",
    "0",
    "-1",
    "1001",
    "2026-11-01",
    "2026-12-01",
    "x",
    Buffer.from('{"nextPartitionKey":"a"}').toString("base64"),
    Buffer.from('{"nextPartitionKey":"\\u0000"}').toString("base64"),
  ),
  hostileText,
);
const queryKey = fc.constantFrom(
  "mode",
  "dayFirst",
  "dateOrder",
  "replace",
  "status",
  "pageSize",
  "continuationToken",
  "teamId",
  "from",
  "to",
  "x",
  "__proto__",
);

const query = fc.oneof(
  { weight: 2, arbitrary: fc.constant("") },
  {
    weight: 3,
    arbitrary: fc
      .array(fc.tuple(queryKey, queryValue), { maxLength: 4 })
      .map((pairs) => (pairs.length ? `?${new URLSearchParams(pairs).toString()}` : "")),
  },
  { weight: 1, arbitrary: fc.constantFrom("?mode=%ZZ", "?a=%", "?continuationToken=%E0%A4%A", "?&&==") },
);

/** Bodies that pass, nearly pass, or are nothing like what a route takes. */
function validBodies(world: FuzzWorld): Record<string, unknown[]> {
  const t = world.a.tenantId;
  const { tenantId: _t, ...program } = aProgram(t, { id: "fuzzed" });
  const { tenantId: _k, ...kpi } = aKpi(t, { id: "fuzz-kpi" });
  const { tenantId: _m, ...team } = aTeam(t);
  const { tenantId: _a, ...asset } = aChallenge(t, { id: "fuzz-asset" });
  const today = "2026-11-20";
  return {
    "/programs": [{ name: "Fuzzed" }, program],
    "/programs/{id}": [{ name: "Renamed" }, program],
    "/programs/{id}/transition": [{ to: "active" }, { to: "paused" }],
    "/programs/{id}/clone": [{ name: "Copy" }],
    "/kpis": [kpi],
    "/teams/{teamId}": [team],
    "/programs/{id}/assets": [asset],
    "/programs/{id}/assets/{assetId}": [asset],
    "/kpis/{kpiId}/values": [{ values: [{ teamId: "team-a", date: today, value: 31 }] }],
    "/kpi-values": [{ values: [{ kpiId: "win-rate", teamId: "team-a", date: today, value: 31 }] }],
    "/programs/{id}/reviews/{month}/notes": [{ text: "Notes" }],
    "/api-keys": [{ name: "Key" }],
  };
}

const csvCell = fc.oneof(
  fc.constantFrom("win-rate", "Win rate", "team-a", "Team A", "2026-11-02", "02/11/2026", "31,5", "31.5", "", "x"),
  hostileText,
);
const csv = fc.oneof(
  fc
    .array(fc.array(csvCell, { minLength: 1, maxLength: 6 }), { maxLength: 8 })
    .map((rows) =>
      [
        "kpi,team,date,value",
        ...rows.map((r) => r.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(",")),
      ].join("\n"),
    ),
  fc.constantFrom(
    "",
    "\uFEFF",
    'kpi,team,date,value\n"unclosed',
    "team,team_name,role,object_id,display_name,time_zone\nt,T,manager,not-a-guid,M,Mars/Base",
    `kpi;team;date;value\nwin-rate;team-a;2026-11-02;31,5`,
  ),
  hostileText,
);

function mutate(value: unknown): fc.Arbitrary<unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return fc.constant(value);
  const keys = Object.keys(value);
  return fc.oneof(
    fc.constant(value),
    fc
      .tuple(fc.constantFrom(...keys), fc.jsonValue({ maxDepth: 2 }))
      .map(([key, replacement]) => ({ ...value, [key]: replacement })),
    fc.constantFrom(...keys).map((key) => {
      const copy: Record<string, unknown> = { ...value };
      delete copy[key];
      return copy;
    }),
    fc.tuple(hostileText, fc.jsonValue({ maxDepth: 1 })).map(([key, extra]) => ({ ...value, [key]: extra })),
  );
}

function body(template: string, world: FuzzWorld): fc.Arbitrary<{ kind: string; bytes?: Buffer }> {
  const valid = validBodies(world)[template] ?? [];
  const json = (v: unknown) => ({ kind: "json", bytes: Buffer.from(JSON.stringify(v) ?? "null") });
  const options: fc.Arbitrary<{ kind: string; bytes?: Buffer }>[] = [
    fc.constant({ kind: "none" }),
    fc.jsonValue({ maxDepth: 3 }).map(json),
    fc
      .constantFrom("{bad", "[", '{"a":', "null", "1", '"x"', "{}", "[]")
      .map((t) => ({ kind: "raw", bytes: Buffer.from(t) })),
    csv.map((t) => ({ kind: "csv", bytes: Buffer.from(t) })),
  ];
  if (valid.length)
    options.push(
      fc
        .constantFrom(...valid)
        .chain(mutate)
        .map(json),
    );
  return fc.oneof(...options);
}

/** A request to an operation of the OpenAPI document (or to a route that does not exist), as a hostile client sends it. */
export function apiRequest(world: FuzzWorld): fc.Arbitrary<FuzzRequest> {
  const ops = [
    ...operations(),
    { method: "PATCH", template: "/programs/{id}" },
    { method: "GET", template: "/{x}/{y}" },
  ];
  const tokenNames = Object.keys(world.tokens);
  return fc
    .record({
      op: fc.constantFrom(...ops),
      auth: fc.oneof(
        {
          weight: 6,
          arbitrary: fc
            .constantFrom(...tokenNames)
            .map((n) => (world.tokens[n] ? `Bearer ${world.tokens[n]}` : undefined)),
        },
        {
          weight: 1,
          arbitrary: fc.constantFrom(`ApiKey ${world.apiKeys.valid}`, "ApiKey tl_nope", "Basic YTpi", "Bearer"),
        },
      ),
      ifMatch: fc.option(fc.constantFrom("*", "garbage", STALE_ETAG, 'W/"1"', ...world.etags), { nil: undefined }),
      contentType: fc.constantFrom(
        "application/json",
        "text/csv",
        "text/plain",
        "application/x-www-form-urlencoded",
        "",
        "application/json; charset=koi8-x",
      ),
      encoding: fc.constantFrom(undefined, undefined, undefined, "gzip", "gzip-valid", "br", "x-rot13"),
      query,
    })
    .chain(({ op, ...rest }) => {
      const names = [...op.template.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? "");
      return fc
        .record({
          params: fc.tuple(...names.map((n) => pathParam(n, world))),
          body: body(op.template, world),
        })
        .map(({ params, body }) => {
          let i = 0;
          const path = `/api/v1${op.template.replace(/\{\w+\}/g, () => params[i++] ?? "")}${rest.query}`;
          const headers: Record<string, string> = {};
          if (rest.auth) headers.authorization = rest.auth;
          if (rest.ifMatch) headers["if-match"] = rest.ifMatch;
          let bytes = body.bytes;
          if (bytes) {
            if (rest.contentType) headers["content-type"] = body.kind === "csv" ? "text/csv" : rest.contentType;
            if (rest.encoding === "gzip-valid") {
              bytes = gzipSync(bytes);
              headers["content-encoding"] = "gzip";
            } else if (rest.encoding) headers["content-encoding"] = rest.encoding;
          }
          return { operation: `${op.method} ${op.template}`, method: op.method, path, headers, body: bytes };
        });
    });
}
