import type { Oracle } from "./oracle.js";
import type { Outputs } from "./outputs.js";

/**
 * Scans every output for a figure about how people did that stands on fewer people than the minimum. Every
 * number in every screen and export is classified by where it is: a figure about people (a share of ratings,
 * a mean of scores, a relation between them), whose people the oracle counts from the raw records; or a count
 * of activity, a KPI or money figure, or a setting. A number the scan cannot classify fails the scan, so a new
 * figure cannot slip past it.
 */
export interface ScanResult {
  /** Numbers looked at, and of them figures about people. */
  numbers: number;
  peopleFigures: number;
  /** Figures about people shown from fewer people than the minimum, or numbers nobody classified. */
  problems: string[];
}

type Root = Record<string, unknown>;
type Rule = [RegExp, (path: string[], root: Root) => number | "count" | "kpi" | "setting"];

function* leaves(node: unknown, path: string[] = []): Generator<[string[], unknown]> {
  if (Array.isArray(node)) for (const [i, v] of node.entries()) yield* leaves(v, [...path, String(i)]);
  else if (node && typeof node === "object")
    for (const [k, v] of Object.entries(node as Record<string, unknown>)) yield* leaves(v, [...path, k]);
  else yield [path, node];
}

const at = (root: unknown, path: readonly string[]): unknown =>
  path.reduce<unknown>(
    (node, key) => (node && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined),
    root,
  );

export function scanPrivacy(out: Outputs, o: Oracle): ScanResult {
  const result: ScanResult = { numbers: 0, peopleFigures: 0, problems: [] };
  const side = (s: string) => o.sideTeams(s === "pilot" || s === "pilotAdoption" ? "pilot" : "comparison");
  const kpi: Rule[1] = () => "kpi";
  const count: Rule[1] = () => "count";
  const startMonth = o.log.program.window?.start.slice(0, 7) ?? "";

  // A team's figures (the manager view's program entry, or a team's chart), under `prefix`.
  const teamRules = (prefix: string, teamOf: (path: string[], root: Root) => string): Rule[] => [
    [
      new RegExp(`^${prefix}behaviours\\.\\d+\\.weeks\\.\\d+\\.adoption$`),
      (p, root) => {
        const behaviour = at(root, [...p.slice(0, -3), "behaviourId"]) as string;
        const week = at(root, [...p.slice(0, -1), "week"]) as string;
        return o.adoption([teamOf(p, root)], behaviour, week).people;
      },
    ],
    [
      new RegExp(`^${prefix}behaviours\\.\\d+\\.currentAdoption$`),
      (p, root) => o.adoption([teamOf(p, root)], at(root, [...p.slice(0, -1), "behaviourId"]) as string, o.week).people,
    ],
    [new RegExp(`^${prefix}behaviours\\.\\d+\\.weeks\\.\\d+\\.observations$`), count],
    [
      new RegExp(
        `^${prefix}(coverage\\.(members|observed)|recentObservations|observationCount|challenges\\.(done|sent))$`,
      ),
      count,
    ],
    [new RegExp(`^${prefix}kpis\\.`), kpi],
  ];

  const scan = (label: string, root: unknown, rules: Rule[]) => {
    for (const [path, value] of leaves(root)) {
      if (typeof value !== "number") continue;
      result.numbers++;
      const where = path.join(".");
      const rule = rules.find(([pattern]) => pattern.test(where));
      if (!rule) {
        result.problems.push(`${label}.${where}: ${value} is not a figure the scan knows`);
        continue;
      }
      const people = rule[1](path, root as Root);
      if (typeof people !== "number") continue;
      result.peopleFigures++;
      if (people < o.minimum)
        result.problems.push(`${label}.${where}: ${value} shown from ${people} people (minimum ${o.minimum})`);
    }
  };

  for (const [teamId, view] of out.managers)
    scan(`manager.${teamId}`, view, [[/^team\.members$/, count], ...teamRules("programs\\.\\d+\\.", () => teamId)]);
  for (const [teamId, chart] of out.charts)
    scan(
      `chart.${teamId}`,
      chart,
      teamRules("", () => teamId),
    );

  scan("program", out.program, [
    [
      /^chain\.behaviours\.\d+\.(pilot|comparison)Adoption$/,
      (p, root) => o.adoption(side(p[3] ?? ""), at(root, [...p.slice(0, -1), "id"]) as string, o.week).people,
    ],
    [
      /^trend\.\d+\.weeks\.\d+\.(pilot|comparison)$/,
      (p, root) =>
        o.adoption(
          side(p[4] ?? ""),
          at(root, [...p.slice(0, 2), "behaviourId"]) as string,
          at(root, [...p.slice(0, 4), "week"]) as string,
        ).people,
    ],
    [
      /^teams\.\d+\.adoption\.[^.]+$/,
      (p, root) => o.adoption([at(root, [...p.slice(0, 2), "teamId"]) as string], p[3] ?? "", o.week).people,
    ],
    [/^teams\.\d+\.(coverage\.(members|observed)|recentObservations)$/, count],
    [/^kpis\./, kpi],
    [/^engagement\./, count],
    [/^prePost\.(pre|post|pairs)$/, count],
    [/^prePost\.(preMean|postMean|change)$/, () => o.skillsCheck(() => true).pairs],
  ]);

  for (const [month, review] of out.reviews) {
    const week = o.reviewWeek(month);
    const upToMonth = (m: string) => m <= month;
    // A relation across teams may only stand on teams each with enough people behind their adoption: more
    // teams in it than have that is a share of too few people's ratings taking part.
    const relationPeople = (behaviourId: string, teams: number) => {
      const eligible = o.log.program.teams.filter(({ teamId }) => {
        const a = o.adoption([teamId], behaviourId, week);
        return month >= startMonth && a.value !== null && a.people >= o.minimum;
      }).length;
      return teams <= eligible ? o.minimum : 0;
    };
    scan(`review.${month}`, review, [
      [
        /^chain\.\d+\.adoption\.(pilot|comparison)$/,
        (p, root) => o.adoption(side(p[3] ?? ""), at(root, [...p.slice(0, 2), "behaviourId"]) as string, week).people,
      ],
      [/^chain\.\d+\.relation\.teams$/, count],
      [
        /^chain\.\d+\.relation\.correlation$/,
        (p, root) =>
          relationPeople(
            at(root, [...p.slice(0, 2), "behaviourId"]) as string,
            at(root, [...p.slice(0, 3), "teams"]) as number,
          ),
      ],
      [/^skillsCheck\.(pre|post|pairs)$/, count],
      [/^skillsCheck\.(preMean|postMean|change)$/, () => o.skillsCheck(upToMonth).pairs],
      [/^kpis\./, kpi],
      [/^engagement\./, count],
      [/^(effect|value)\./, kpi],
      [/^program\.valuation\./, () => "setting"],
    ]);
    // The CSV: every row by its section; the shares in the chain rows and the skills check's means.
    for (const [i, row] of (out.csvs.get(month) ?? []).entries()) {
      const numbers = (["pilot", "comparison", "value"] as const).filter(
        (c) => row[c] !== "" && !Number.isNaN(Number(row[c])),
      );
      result.numbers += numbers.length;
      const section = row.section ?? "";
      if (section === "chain" || (section === "skills check" && row.item !== undefined && row.item !== "")) {
        const link = (out.reviews.get(month)?.chain ?? [])[
          (out.csvs.get(month) ?? []).slice(0, i).filter((r) => r.section === "chain").length
        ];
        for (const column of numbers) {
          result.peopleFigures++;
          const people =
            section === "skills check"
              ? o.skillsCheck(upToMonth).pairs
              : column === "value"
                ? relationPeople(link?.behaviourId ?? "", link?.relation.teams ?? 0)
                : o.adoption(o.sideTeams(column === "pilot" ? "pilot" : "comparison"), link?.behaviourId ?? "", week)
                    .people;
          if (people < o.minimum)
            result.problems.push(
              `csv.${month}.${section}.${row.item}.${column}: ${row[column]} shown from ${people} people`,
            );
        }
      } else if (
        ![
          "program",
          "purpose",
          "kpi",
          "kpi month",
          "kpi team",
          "kpi current",
          "kpi progress",
          "engagement",
          "effect",
          "value",
          "notes",
        ].includes(section)
      )
        result.problems.push(`csv.${month}: section "${section}" is not one the scan knows`);
    }
  }

  // The bot's team card: every percentage is a share of one team's ratings over the last four weeks.
  for (const [teamId, text] of out.cards)
    for (const b of o.behaviours()) {
      const match = new RegExp(`${b.name}: (\\d+)%`).exec(text);
      result.numbers += match ? 1 : 0;
      if (!match) continue;
      result.peopleFigures++;
      const people = o.adoption([teamId], b.id, o.week).people;
      if (people < o.minimum) result.problems.push(`card.${teamId}.${b.id}: ${match[1]}% shown from ${people} people`);
    }
  return result;
}
