import { createHash } from "node:crypto";
import type {
  ChallengeCompletion,
  NudgeResponse,
  Observation,
  Program,
  SkillsCheckResult,
} from "../../domain/index.js";

/** An xAPI 1.0.3 statement (the fields we send). */
export interface XapiStatement {
  id: string;
  actor: XapiAgent;
  verb: { id: string; display: Record<string, string> };
  object: { objectType: "Activity"; id: string; definition: { type: string; name: Record<string, string> } };
  result?: Record<string, unknown>;
  context: {
    instructor?: XapiAgent;
    contextActivities: { parent: { id: string }[]; grouping: { id: string }[] };
    extensions: Record<string, unknown>;
  };
  timestamp: string;
  [key: string]: unknown;
}

interface XapiAgent {
  objectType: "Agent";
  account: { homePage: string; name: string };
}

const EXT = "urn:throughline:xapi:extension";
const verbs = {
  completed: { id: "http://adlnet.gov/expapi/verbs/completed", display: { "en-US": "completed" } },
  skipped: { id: "http://id.tincanapi.com/verb/skipped", display: { "en-US": "skipped" } },
  responded: { id: "http://adlnet.gov/expapi/verbs/responded", display: { "en-US": "responded" } },
  scored: { id: "http://adlnet.gov/expapi/verbs/scored", display: { "en-US": "scored" } },
  observed: { id: "urn:throughline:xapi:verb:was-observed", display: { "en-US": "was observed" } },
} as const;

/** A person by their Entra object id, in their tenant's Entra "home page". */
export function entraAgent(tenantId: string, objectId: string): XapiAgent {
  return {
    objectType: "Agent",
    account: { homePage: `https://login.microsoftonline.com/${tenantId}`, name: objectId },
  };
}

/** The same record always gives the same statement id, so a retried send is recognised by the LRS. */
export function statementId(...parts: string[]): string {
  const hex = createHash("sha1").update(parts.join("\n")).digest("hex");
  const variant = ((Number.parseInt(hex.slice(16, 18), 16) & 0x3f) | 0x80).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(18, 20)}-${hex.slice(20, 32)}`;
}

const activity = (tenantId: string, kind: string, id: string) => `urn:throughline:${tenantId}:${kind}:${id}`;

function context(program: Program, instructor?: XapiAgent): XapiStatement["context"] {
  const kpiIds = [program.outcomeKpiId, ...program.leadingKpiIds].filter((k): k is string => Boolean(k));
  return {
    ...(instructor ? { instructor } : {}),
    contextActivities: {
      parent: [{ id: activity(program.tenantId, "program", program.id) }],
      grouping: kpiIds.map((k) => ({ id: activity(program.tenantId, "kpi", k) })),
    },
    extensions: { [`${EXT}:program`]: program.id, [`${EXT}:kpis`]: kpiIds },
  };
}

const iso = (at: string) => new Date(at).toISOString();

export function challengeStatement(program: Program, c: ChallengeCompletion): XapiStatement {
  return {
    id: statementId(c.tenantId, "challenge", c.managerObjectId, c.deliveryId),
    actor: entraAgent(c.tenantId, c.managerObjectId),
    verb: c.outcome === "done" ? verbs.completed : verbs.skipped,
    object: {
      objectType: "Activity",
      id: activity(c.tenantId, "asset", c.assetId),
      definition: { type: "http://adlnet.gov/expapi/activities/interaction", name: { "en-US": "micro-challenge" } },
    },
    result: { completion: c.outcome === "done", ...(c.reflection ? { response: c.reflection } : {}) },
    context: { ...context(program), extensions: { ...context(program).extensions, [`${EXT}:team`]: c.teamId } },
    timestamp: iso(c.at),
  };
}

export function observationStatement(program: Program, o: Observation): XapiStatement {
  const behaviour = program.chain.behaviours.find((b) => b.id === o.behaviourId);
  const levels = behaviour?.rubric.levels.length ?? o.levelIndex + 1;
  return {
    id: statementId(o.tenantId, "observation", o.id),
    actor: entraAgent(o.tenantId, o.memberObjectId),
    verb: verbs.observed,
    object: {
      objectType: "Activity",
      id: activity(o.tenantId, "behaviour", o.behaviourId),
      definition: {
        type: "urn:throughline:xapi:activity:behaviour",
        name: { "en-US": behaviour?.name ?? o.behaviourId },
      },
    },
    result: {
      score: { raw: o.levelIndex, min: 0, max: levels - 1, scaled: levels > 1 ? o.levelIndex / (levels - 1) : 1 },
      extensions: { [`${EXT}:rubric-level`]: behaviour?.rubric.levels[o.levelIndex] ?? String(o.levelIndex) },
    },
    context: context(program, entraAgent(o.tenantId, o.managerObjectId)),
    timestamp: iso(o.observedAt),
  };
}

export function nudgeStatement(program: Program, r: NudgeResponse): XapiStatement {
  return {
    id: statementId(r.tenantId, "nudge", r.learnerObjectId, r.deliveryId),
    actor: entraAgent(r.tenantId, r.learnerObjectId),
    verb: verbs.responded,
    object: {
      objectType: "Activity",
      id: activity(r.tenantId, "asset", r.assetId),
      definition: { type: "http://adlnet.gov/expapi/activities/question", name: { "en-US": "nudge" } },
    },
    result: { response: r.response, extensions: { [`${EXT}:confidence`]: r.confidence } },
    context: context(program),
    timestamp: iso(r.at),
  };
}

export function skillsCheckStatement(program: Program, r: SkillsCheckResult): XapiStatement {
  return {
    id: statementId(r.tenantId, "skills-check", r.learnerObjectId, r.programId, r.phase),
    actor: entraAgent(r.tenantId, r.learnerObjectId),
    verb: verbs.scored,
    object: {
      objectType: "Activity",
      id: activity(r.tenantId, "asset", r.assetId),
      definition: {
        type: "http://adlnet.gov/expapi/activities/assessment",
        name: { "en-US": `skills check (${r.phase})` },
      },
    },
    result: { score: { raw: r.score, min: 0, max: r.maxScore, scaled: r.score / r.maxScore }, completion: true },
    context: { ...context(program), extensions: { ...context(program).extensions, [`${EXT}:phase`]: r.phase } },
    timestamp: iso(r.at),
  };
}
