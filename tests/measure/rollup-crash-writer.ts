/**
 * Records one thing (observations, a challenge answer, a nudge response or a skills-check result) in a process
 * of its own, for the crash tests: it stops dead at the point named by STALL_AT ("intent": the intent is
 * written, the record not; "record": the record is written, its rollup work not; "apply-0": the first of
 * two weeks is applied, the second not), tells its parent, and waits there to be killed with SIGKILL.
 */
import {
  recordChallengeCompletion,
  recordNudgeResponse,
  recordObservations,
  recordSkillsCheckResult,
  xapiOutbox,
} from "../../src/measure/index.js";
import { openStorage, storageAccount } from "../../src/storage/index.js";

const env = process.env;
const required = (name: string): string => {
  const value = env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const storage = openStorage(
  storageAccount({ kind: "connectionString", connectionString: required("STORAGE_CONNECTION_STRING") }),
);
const tenantId = required("TENANT_ID");
const program = (await storage.programs.get(tenantId, required("PROGRAM_ID")))?.value;
if (!program) throw new Error("no such program");
const input = JSON.parse(required("INPUT")) as Record<string, unknown>;
const stallAt = required("STALL_AT");
const stall = async (point: string) => {
  if (point !== stallAt) return;
  process.send?.(`stalled-at-${point}`);
  await new Promise(() => {});
};
const hooks = {
  afterIntent: () => stall("intent"),
  afterRecord: () => stall("record"),
  afterApply: (index: number) => stall(`apply-${index}`),
};
const outbox = xapiOutbox(storage, { tenantId, lrsConfigured: false });

switch (required("KIND")) {
  case "observations":
    await recordObservations(storage, program, String(input.teamId), input.observations as unknown[], outbox, hooks);
    break;
  case "challenge":
    await recordChallengeCompletion(storage, program, input, outbox, hooks);
    break;
  case "nudge":
    await recordNudgeResponse(storage, program, input, outbox, hooks);
    break;
  case "skills":
    await recordSkillsCheckResult(storage, program, input, outbox, hooks);
    break;
}
process.send?.("finished");
