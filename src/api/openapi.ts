import { z } from "zod";
import { assetSchema, kpiSchema, programSchema, teamSchema } from "../domain/index.js";
import { biValuesBody } from "../measure/index.js";
import { apiKeyBody, kpiImportQuery, kpiValuesBody } from "./routes/kpi-data.js";
import { cloneBody, transitionBody } from "./routes/programs.js";
import { notesBody } from "./routes/reviews.js";

const json = (schema: Record<string, unknown>) => ({ "application/json": { schema } });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const errors = {
  "400": {
    description:
      "Invalid body: every failing field and its rule. Bodies are strict: a field the API does not know is named here (rule: is not a known field), never dropped",
    content: json(ref("Invalid")),
  },
  "401": { description: "Missing, forged, expired or wrong-audience token" },
  "403": { description: "The caller's role does not allow this" },
  "404": { description: "Not found in the caller's tenant" },
  "413": { description: "The body or file is over the route's limit (MAX_* settings); nothing was written" },
  "503": { description: "Storage is unavailable: nothing was changed; try again after Retry-After seconds" },
};
/** Every part of a path keeps one rule, checked before anything else (400 with the rule otherwise). */
const idParam = (name: string) => ({
  name,
  in: "path",
  required: true,
  schema: { type: "string", pattern: "^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$" },
});
const ifMatch = {
  name: "If-Match",
  in: "header",
  required: true,
  description:
    "The ETag you read; * is refused (428), as is a missing one where required; a value that is not an ETag is 400",
  schema: { type: "string" },
};
const pagingQuery = [
  { name: "pageSize", in: "query", required: false, schema: { type: "integer", minimum: 1, maximum: 1000 } },
  {
    name: "continuationToken",
    in: "query",
    required: false,
    description: "As the previous page gave it; any other value is 400",
    schema: { type: "string" },
  },
];

function op(summary: string, extra: Record<string, unknown> = {}) {
  return { summary, security: [{ teamsSso: [] }], responses: { "200": { description: "OK" }, ...errors }, ...extra };
}

function schemaOf(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
}

/** The API's OpenAPI 3.1 description, served at /api/v1/openapi.json. */
export function openApiDocument(): Record<string, unknown> {
  return {
    openapi: "3.1.0",
    info: { title: "Throughline API", version: "1.0.0" },
    servers: [{ url: "/api/v1" }],
    components: {
      securitySchemes: {
        teamsSso: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "JWT",
          description: "The Teams SSO token: an Entra v2 access token for this app with scope access_as_user",
        },
        apiKey: { type: "apiKey", in: "header", name: "Authorization", description: "ApiKey tl_… (BI pipelines)" },
      },
      schemas: {
        Program: schemaOf(programSchema),
        Kpi: schemaOf(kpiSchema),
        Asset: schemaOf(assetSchema),
        Team: schemaOf(teamSchema),
        Invalid: {
          type: "object",
          properties: {
            error: { const: "invalid" },
            issues: {
              type: "array",
              items: { type: "object", properties: { field: { type: "string" }, rule: { type: "string" } } },
            },
          },
        },
      },
    },
    paths: {
      "/openapi.json": {
        get: { summary: "This description (no token needed)", responses: { "200": { description: "OpenAPI 3.1" } } },
      },
      "/sign-in": {
        get: {
          summary:
            "How the tab signs in (no token needed): the Entra client id and scope for nested app authentication, when configured",
          responses: { "200": { description: "Sign-in settings" } },
        },
      },
      "/me": { get: op("Who am I: tenant, object id, roles and teams") },
      "/tenant": {
        get: op("The caller's tenant: its name (from the directory, or a placeholder) and named admins (admin)"),
      },
      "/tenant/admins/{objectId}": {
        put: op("Name a further admin by Entra object id (admin); app-role Admins need no entry", {
          parameters: [idParam("objectId")],
        }),
        delete: op("Remove a named admin (admin)", { parameters: [idParam("objectId")] }),
      },
      "/me/learning": { get: op("Learner view: my nudges and responses, practice streak, pre/post") },
      "/teams": {
        get: op(
          "Teams: every team for an admin, a page at a time (?pageSize up to 1000, ?continuationToken; the answer's continuationToken is null on the last page), else the caller's own",
        ),
      },
      "/teams/{teamId}": {
        get: op("One team with its roster and ETag (its manager or an admin)", { parameters: [idParam("teamId")] }),
        put: op("Create a team (201) or replace its roster (200, If-Match) (admin)", {
          parameters: [idParam("teamId")],
          requestBody: { content: json(ref("Team")) },
        }),
      },
      "/team-directory-imports": {
        post: op(
          "A team from the directory (admin): body {teamId, name, source: teams-team|group|direct-reports, managerObjectId?, timeZones?}; ?mode=preview lists each person with their zone (or why unknown), ?mode=commit writes it when every zone is known (If-Match to refresh)",
        ),
      },
      "/team-imports": {
        post: op(
          "Teams from a roster CSV (text/csv body): teams by id or name, people by object id or a known name; repeats counted once, conflicts reported by line; ?mode=preview reports, ?mode=commit writes all or nothing (admin)",
          {
            parameters: [{ name: "mode", in: "query", required: true, schema: { enum: ["preview", "commit"] } }],
            requestBody: { content: { "text/csv": { schema: { type: "string" } } } },
          },
        ),
      },
      "/teams/{teamId}/dashboard": {
        get: op("Manager view of a team: adoption, coverage, challenges, due this week, KPIs", {
          parameters: [idParam("teamId")],
        }),
      },
      "/kpis": {
        get: op("KPIs of the tenant (admin), a page at a time: ?pageSize up to 1000, ?continuationToken"),
        post: op("Create a KPI (admin); a leading metric may have no target (target null), an outcome needs one", {
          requestBody: { content: json(ref("Kpi")) },
        }),
      },
      "/programs": {
        get: op("Programs of the tenant (admin); ?status, ?pageSize, ?continuationToken"),
        post: op("Create a draft program (admin); window as {start, end} or {start, days}; answers with its ETag", {
          requestBody: { content: json(ref("Program")) },
        }),
      },
      "/programs/{id}": {
        get: op("A program with its ETag (admin)", { parameters: [idParam("id")] }),
        put: op("Update a program (admin); 409 when If-Match is stale, 428 without it", {
          parameters: [idParam("id"), ifMatch],
          requestBody: { content: json(ref("Program")) },
        }),
      },
      "/programs/{id}/transition": {
        post: op("Activate, pause or complete (admin); 422 lists what activation still needs", {
          parameters: [idParam("id")],
          requestBody: { content: json(schemaOf(transitionBody)) },
        }),
      },
      "/programs/{id}/clone": {
        post: op("Clone a program and its assets as a new draft (admin)", {
          parameters: [idParam("id")],
          requestBody: { content: json(schemaOf(cloneBody)) },
        }),
      },
      "/programs/{id}/view": {
        get: op(
          "Program view (admin): chain with figures, pilot vs comparison trend, a line per team, KPIs, engagement",
        ),
      },
      "/programs/{id}/teams/{teamId}": { get: op("One team of a program with its weekly adoption chart (admin)") },
      "/programs/{id}/assets": {
        get: op("A program's assets (admin)", { parameters: [idParam("id")] }),
        post: op("Create an asset (admin)", {
          parameters: [idParam("id")],
          requestBody: { content: json(ref("Asset")) },
        }),
      },
      "/programs/{id}/assets/{assetId}": {
        get: op("One asset with its ETag (admin)", { parameters: [idParam("id"), idParam("assetId")] }),
        put: op("Update an asset (admin); 409 when If-Match is stale", {
          parameters: [idParam("id"), idParam("assetId"), ifMatch],
          requestBody: { content: json(ref("Asset")) },
        }),
        delete: op("Delete an asset of a draft program that no schedule entry sends (admin); 409 otherwise", {
          parameters: [idParam("id"), idParam("assetId")],
        }),
      },
      "/programs/{id}/card-preview": {
        post: op(
          "The card an asset's recipient gets, rendered by the delivery's own renderer (admin): body {asset, teamId?, phase?}; 400 names each field of the asset that is not valid, 422 when the card would be too large for Teams",
          {
            parameters: [idParam("id")],
            requestBody: {
              content: json({
                type: "object",
                required: ["asset"],
                properties: {
                  asset: ref("Asset"),
                  teamId: { type: "string" },
                  phase: { enum: ["pre", "post"] },
                },
              }),
            },
          },
        ),
      },
      "/kpis/{kpiId}/values": {
        get: op("Stored values of a KPI (admin); ?teamId for one team's series, ?pageSize, ?continuationToken", {
          parameters: [idParam("kpiId")],
        }),
        post: op(
          "Enter KPI values by hand (admin): all written or none; a value sent again replaces the stored one; 400 names each item's field and rule (two values for one team and date, a date after today)",
          {
            parameters: [idParam("kpiId")],
            requestBody: { content: json(schemaOf(kpiValuesBody)) },
          },
        ),
      },
      "/kpi-values": {
        post: {
          summary:
            "KPI values from a BI pipeline (Authorization: ApiKey …): all written or none (422 lists each problem); a value sent again replaces the stored one",
          security: [{ apiKey: [] }],
          requestBody: { content: json(schemaOf(biValuesBody)) },
          responses: { "200": { description: "written, replaced, unchanged, duplicates" }, "400": errors["400"] },
        },
      },
      "/kpi-imports": {
        post: op(
          "Import a CSV of KPI values as exported (admin): KPIs and teams by id or name, the date order read off the file (the report asks when every date reads both ways: answer with dateOrder), repeats counted once, two values for one KPI/team/date or one differing from a stored value reported on each line (replace=true overwrites stored values), dates after today refused. preview writes nothing, commit-valid writes the valid rows, commit writes only if every row is valid; answers the per-row report",
          {
            parameters: Object.entries(
              (schemaOf(kpiImportQuery) as { properties: Record<string, unknown> }).properties,
            ).map(([name, schema]) => ({ name, in: "query", required: name === "mode", schema })),
            requestBody: { content: { "text/csv": { schema: { type: "string" } } } },
          },
        ),
      },
      "/api-keys": {
        get: op("The tenant's API keys for BI pipelines, without secrets (admin)"),
        post: op("Create an API key (admin); the key is in this response only", {
          requestBody: { content: json(schemaOf(apiKeyBody)) },
        }),
      },
      "/api-keys/{keyId}": {
        delete: op("Revoke an API key at once (admin)", { parameters: [idParam("keyId")] }),
      },
      "/programs/{id}/reviews": {
        get: op("The months a program's review can be read for (admin): first, last, latestWithData", {
          parameters: [idParam("id")],
        }),
      },
      "/programs/{id}/reviews/{month}": {
        get: op(
          "Monthly review (admin): purpose, stage, chain with figures, KPI story by month per side and team, engagement, effect, value (net benefit, ROI), notes with their ETag; {month}.csv downloads it as CSV; 404 with a reason for a month outside the data",
          {
            parameters: [idParam("id"), idParam("month")],
          },
        ),
      },
      "/programs/{id}/reviews/{month}/notes": {
        put: op(
          "Save the review's notes (admin); If-Match with the notes' ETag, 409 when stale or, without it, when notes exist",
          {
            parameters: [idParam("id"), idParam("month"), { ...ifMatch, required: false }],
            requestBody: { content: json(schemaOf(notesBody)) },
          },
        ),
      },
      "/programs/{programId}/deliveries": {
        get: op("Delivery report (admin): counts by state, failures with reasons, possible duplicates", {
          parameters: [idParam("programId")],
        }),
      },
      "/programs/{programId}/reach": {
        get: op(
          "Reach (admin): each participant's status (reachable, installing, install-failed, uninstalled, paused, not-installed) with the reason, and counts",
          { parameters: [idParam("programId")] },
        ),
      },
      "/programs/{programId}/deliveries/resend-failed": {
        post: op("Put the program's failed deliveries back on the queue (admin)", {
          parameters: [idParam("programId")],
        }),
      },
      "/people/{objectId}/data": {
        get: op(
          "Everything held about one person in the tenant, by table, as a JSON download (admin); the request is audited",
          { parameters: [{ ...idParam("objectId"), schema: { type: "string", format: "uuid" } }] },
        ),
        delete: op(
          "Erase one person (admin): removed from their teams, every row that mentions them deleted (answers, observations, deliveries, conversation, xAPI statements, pending rollup work), shared rows kept without them, figures rebuilt; 422 for a team's manager; audited",
          { parameters: [{ ...idParam("objectId"), schema: { type: "string", format: "uuid" } }] },
        ),
      },
      "/xapi-statements": {
        get: op(
          "The tenant's xAPI statements with from ≤ timestamp < to, oldest first, page by page (admin); audited",
          {
            parameters: [
              {
                name: "from",
                in: "query",
                required: true,
                schema: { type: "string", description: "date or date-time" },
              },
              { name: "to", in: "query", required: true, schema: { type: "string", description: "date or date-time" } },
              ...pagingQuery,
            ],
          },
        ),
      },
      "/audit": {
        get: op(
          "Who asked for a person's data or exported statements, and when, newest first (admin); the person only as a keyed hash",
          { parameters: pagingQuery },
        ),
      },
      "/programs/{programId}/deliveries/cancel-pending": {
        post: op("Cancel the program's pending deliveries; ones being sent now are counted as in flight (admin)", {
          parameters: [idParam("programId")],
        }),
      },
    },
  };
}
