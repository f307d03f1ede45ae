import { parse } from "csv-parse/sync";
import type {
  ManagerView,
  MonthlyReview,
  ProgramTeamFigures,
  ProgramView,
  ReviewMonths,
} from "../../src/dashboard/index.js";
import type { Api } from "../api/api-harness.js";
import { textOf } from "../bot/support/card-validation.js";
import { chatAs } from "../bot/support/chat.js";
import type { RunLog } from "./run-program.js";

/** Every screen and export of a program, as its people and its admin get them at one moment. */
export interface Outputs {
  /** GET /teams/{id}/dashboard, as the team's manager. */
  managers: Map<string, ManagerView>;
  /** GET /programs/{id}/view. */
  program: ProgramView;
  /** GET /programs/{id}/teams/{teamId}. */
  charts: Map<string, ProgramTeamFigures>;
  /** GET /programs/{id}/reviews. */
  months: ReviewMonths;
  /** GET /programs/{id}/reviews/{month} for every month there is one. */
  reviews: Map<string, MonthlyReview>;
  /** GET /programs/{id}/reviews/{month}.csv, read back as rows. */
  csvs: Map<string, Record<string, string>[]>;
  /** The bot's "my team" card, as each manager sees it. */
  cards: Map<string, string>;
}

export function monthsFrom(first: string, last: string): string[] {
  const list: string[] = [];
  for (let m = first; m <= last; ) {
    list.push(m);
    const [y, n] = m.split("-").map(Number) as [number, number];
    m = n === 12 ? `${y + 1}-01` : `${y}-${String(n + 1).padStart(2, "0")}`;
  }
  return list;
}

export async function readOutputs(api: Api, log: RunLog): Promise<Outputs> {
  const { tenantId } = log;
  const admin = await api.entra.token({ tenantId, objectId: log.admin });
  const get = async (path: string, token = admin) => {
    const res = await api.call("GET", `/api/v1${path}`, { token });
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const base = `/programs/${log.program.id}`;
  const managers = new Map<string, ManagerView>();
  const charts = new Map<string, ProgramTeamFigures>();
  const cards = new Map<string, string>();
  for (const team of log.teams) {
    const token = await api.entra.token({ tenantId, objectId: team.manager.objectId });
    managers.set(team.id, await get(`/teams/${team.id}/dashboard`, token));
    charts.set(team.id, await get(`${base}/teams/${team.id}`));
    const [card] = await chatAs(api.bot, { tenantId, objectId: team.manager.objectId }).say("my team");
    cards.set(team.id, textOf(card));
  }
  const months: ReviewMonths = await get(`${base}/reviews`);
  const reviews = new Map<string, MonthlyReview>();
  const csvs = new Map<string, Record<string, string>[]>();
  for (const month of monthsFrom(months.first, months.last)) {
    reviews.set(month, await get(`${base}/reviews/${month}`));
    const response = await fetch(`${api.base}/api/v1${base}/reviews/${month}.csv`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    if (response.status !== 200) throw new Error(`CSV ${month}: ${response.status}`);
    csvs.set(month, parse(await response.text(), { bom: true, columns: true }));
  }
  return { managers, program: await get(`${base}/view`), charts, months, reviews, csvs, cards };
}
