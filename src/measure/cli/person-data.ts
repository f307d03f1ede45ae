import { writeFile } from "node:fs/promises";
import { userInfo } from "node:os";
import { parseArgs } from "node:util";
import { ConfigError, loadConfig } from "../../config.js";
import { DomainRuleError, entraIdSchema } from "../../domain/index.js";
import { erasePersonOnRequest, exportPersonOnRequest } from "../privacy/index.js";
import { openConfiguredStorage } from "./open-storage.js";

const help = `A person's data on request: export everything held about them, or erase it.

usage: npm run person-data -- export --tenant TENANT_ID --person OBJECT_ID [--out FILE] [--requested-by NAME]
       npm run person-data -- erase  --tenant TENANT_ID --person OBJECT_ID --requested-by NAME

  export          writes the person's rows, by table, as JSON (to FILE, or to stdout)
  erase           removes the person from their teams and deletes every row that mentions them (answers,
                  observations, deliveries, conversation, xAPI statements), then rebuilds the figures;
                  refused for a team's manager
  --tenant        the Entra tenant id
  --person        the person's Entra object id
  --requested-by  who asked (kept in the audit entry as cli:NAME; defaults to the OS user for export)

Both leave an audit entry (who asked, when; the person only as a keyed hash), read with GET /api/v1/audit.
Storage: as npm run import:kpis (STORAGE_CONNECTION_STRING or STORAGE_ACCOUNT_NAME, else the embedded Azurite).`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      tenant: { type: "string" },
      person: { type: "string" },
      out: { type: "string" },
      "requested-by": { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const action = positionals[0];
  if (values.help || (action !== "export" && action !== "erase") || !values.tenant || !values.person) {
    console.log(help);
    return values.help ? 0 : 2;
  }
  const tenant = entraIdSchema.safeParse(values.tenant);
  const person = entraIdSchema.safeParse(values.person);
  if (!tenant.success || !person.success) {
    console.error("--tenant and --person must be GUIDs (Entra ids)");
    return 2;
  }
  if (action === "erase" && !values["requested-by"]) {
    console.error("erase needs --requested-by: the audit entry says who asked");
    return 2;
  }
  const config = loadConfig(process.env, { dev: process.env.NODE_ENV !== "production" });
  const { storage, close } = await openConfiguredStorage(config);
  const requester = {
    tenantId: tenant.data,
    requestedBy: `cli:${values["requested-by"] ?? userInfo().username}`,
    now: new Date(),
    pepper: config.apiKeyPepper,
  };
  try {
    if (action === "export") {
      const exported = await exportPersonOnRequest(storage, requester, person.data);
      const json = `${JSON.stringify(exported, null, 2)}\n`;
      if (values.out) {
        await writeFile(values.out, json);
        const rows = Object.values(exported.tables).reduce((n, list) => n + list.length, 0);
        console.error(`${rows} rows from ${Object.keys(exported.tables).length} tables written to ${values.out}`);
      } else process.stdout.write(json);
      return 0;
    }
    const erased = await erasePersonOnRequest(storage, requester, person.data);
    console.log(
      `erased: ${erased.deleted} rows deleted, removed from ${erased.teamsLeft.length} teams; audit entry ${erased.auditId}`,
    );
    return 0;
  } catch (error) {
    if (error instanceof DomainRuleError) {
      console.error(`refused: ${error.rules.join("; ")}`);
      return 1;
    }
    throw error;
  } finally {
    await close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ConfigError) console.error(error.message);
    else console.error(`failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
