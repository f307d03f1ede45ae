// Types only: the tab reads the server's own types, so a change on either side fails the type check.

import type { ListPage } from "../../../src/api/paging.js";
import type { CardPreview } from "../../../src/api/routes/card-preview.js";
import type { MeView } from "../../../src/api/routes/me.js";
import type { TeamSummary } from "../../../src/api/routes/teams.js";
import type { LearnerView, ManagerView, ProgramTeamFigures, ProgramView } from "../../../src/dashboard/index.js";
import type { DeliveryReport } from "../../../src/delivery/operations.js";
import type { Asset, Kpi, Program } from "../../../src/domain/index.js";
import type { ApiKeySummary } from "../../../src/measure/api-keys/api-keys.js";
import type { KpiImportReport } from "../../../src/measure/kpi-import/import-kpi-csv.js";
import type { DateOrder } from "../../../src/measure/kpi-import/parse-cell.js";
import type { RosterReport } from "../../../src/roster/import-roster-csv.js";
import { type ApiResult, type TokenSource, transport } from "./transport.js";

export type { CardPreview, KpiImportReport, ListPage, MeView, RosterReport, TeamSummary };

/** The program fields an admin edits and the API stores; the server sets the rest (id, tenant, status, times). */
export type ProgramBody = Pick<
  Program,
  | "name"
  | "discover"
  | "outcomeKpiId"
  | "leadingKpiIds"
  | "window"
  | "reviewCadence"
  | "teams"
  | "owners"
  | "chain"
  | "schedule"
>;

type WithoutServerFields<T> = T extends unknown ? Omit<T, "id" | "tenantId" | "programId" | "updatedAt"> : never;
/** An asset as the builder sends it: its kind, title, behaviours and the content of that kind. */
export type AssetBody = WithoutServerFields<Asset>;

export type KpiBody = Omit<Kpi, "id" | "tenantId" | "source">;

/** Every page of a list, following the continuation token to the end. */
async function allPages<T>(page: (token: string | null) => Promise<ListPage<T>>): Promise<T[]> {
  const items: T[] = [];
  let token: string | null = null;
  do {
    const next: ListPage<T> = await page(token);
    items.push(...next.items);
    token = next.continuationToken;
  } while (token);
  return items;
}

const paged = (path: string, pageSize: number, token: string | null) =>
  `${path}${path.includes("?") ? "&" : "?"}pageSize=${pageSize}${token ? `&continuationToken=${encodeURIComponent(token)}` : ""}`;

/** The tab's calls to /api/v1, typed with the server's types; the raw verbs stay for views that need them. */
export function apiClient(getToken: TokenSource) {
  const http = transport(getToken);
  const data = async <T>(result: Promise<ApiResult<T>>) => (await result).data;
  const programPath = (id: string) => `/programs/${encodeURIComponent(id)}`;
  return {
    ...http,
    me: () => data(http.get<MeView>("/me")),
    learning: () => data(http.get<LearnerView>("/me/learning")),
    teams: {
      all: () => allPages((token) => data(http.get<ListPage<TeamSummary>>(paged("/teams", 1000, token)))),
      dashboard: (teamId: string) => data(http.get<ManagerView>(`/teams/${encodeURIComponent(teamId)}/dashboard`)),
      importRoster: (mode: "preview" | "commit", file: Blob) =>
        http.upload<RosterReport>(`/team-imports?mode=${mode}`, file),
    },
    kpis: {
      all: () => allPages((token) => data(http.get<ListPage<Kpi>>(paged("/kpis", 1000, token)))),
      create: (body: KpiBody) => data(http.post<Kpi>("/kpis", body)),
      addValues: (kpiId: string, values: { teamId?: string; date: string; value: number | null }[]) =>
        http.post(`/kpis/${encodeURIComponent(kpiId)}/values`, { values }),
      /** The admin's answers to the file's questions: which way round its dates are, whether to replace. */
      importCsv: (
        mode: "preview" | "commit-valid",
        answers: { dateOrder?: DateOrder; replace?: boolean },
        file: Blob,
      ) =>
        http.upload<KpiImportReport>(
          `/kpi-imports?mode=${mode}${answers.dateOrder ? `&dateOrder=${answers.dateOrder}` : ""}${answers.replace ? "&replace=true" : ""}`,
          file,
        ),
    },
    programs: {
      /** One page, for a list that pages visibly. */
      page: (token: string | null, pageSize = 50) =>
        data(http.get<ListPage<Program>>(paged("/programs", pageSize, token))),
      all: () => allPages((token) => data(http.get<ListPage<Program>>(paged("/programs", 100, token)))),
      get: (id: string) => http.get<Program>(programPath(id)),
      create: (body: ProgramBody) => http.post<Program>("/programs", body),
      update: (id: string, body: ProgramBody, etag: string | null) => http.put<Program>(programPath(id), body, etag),
      transition: (id: string, to: "active" | "paused" | "completed") =>
        http.post<Program>(`${programPath(id)}/transition`, { to }),
      clone: (id: string, name: string) => http.post<Program>(`${programPath(id)}/clone`, { name }),
      view: (id: string) => data(http.get<ProgramView>(`${programPath(id)}/view`)),
      team: (id: string, teamId: string) =>
        data(http.get<ProgramTeamFigures>(`${programPath(id)}/teams/${encodeURIComponent(teamId)}`)),
      deliveries: (id: string) => data(http.get<DeliveryReport>(`${programPath(id)}/deliveries`)),
      resendFailed: (id: string) =>
        data(http.post<{ requeued: number }>(`${programPath(id)}/deliveries/resend-failed`, {})),
    },
    assets: {
      list: async (programId: string) =>
        (await data(http.get<{ items: Asset[] }>(`${programPath(programId)}/assets`))).items,
      get: (programId: string, assetId: string) =>
        http.get<Asset>(`${programPath(programId)}/assets/${encodeURIComponent(assetId)}`),
      create: (programId: string, body: AssetBody) => data(http.post<Asset>(`${programPath(programId)}/assets`, body)),
      update: (programId: string, assetId: string, body: AssetBody, etag: string | null) =>
        http.put<Asset>(`${programPath(programId)}/assets/${encodeURIComponent(assetId)}`, body, etag),
      remove: (programId: string, assetId: string) =>
        http.del(`${programPath(programId)}/assets/${encodeURIComponent(assetId)}`),
      preview: (
        programId: string,
        body: { asset: AssetBody & { id?: string }; teamId?: string; phase?: "pre" | "post" },
      ) => data(http.post<CardPreview>(`${programPath(programId)}/card-preview`, body)),
    },
    apiKeys: {
      list: async () => (await data(http.get<{ items: ApiKeySummary[] }>("/api-keys"))).items,
      create: (name: string) => data(http.post<{ key: string; name: string }>("/api-keys", { name })),
      revoke: (keyId: string) => http.del(`/api-keys/${encodeURIComponent(keyId)}`),
    },
  };
}

export type Api = ReturnType<typeof apiClient>;
