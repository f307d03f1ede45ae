import { AlreadyExistsError, ConcurrencyError, keys, type Storage, type Versioned } from "../storage/index.js";

/** What Throughline did to install the app for one person, through Graph. */
export interface InstallRecord {
  state: "installing" | "failed";
  attempts: number;
  lastTriedAt: string;
  /** A failed install is not tried again before this (backoff; hours when an admin must act first). */
  nextTryAt: string | null;
  /** Why it failed, in words an admin can act on. */
  reason: string | null;
}

const keyOf = (tenantId: string, objectId: string) =>
  keys.tenantCoordination(tenantId, `install-${objectId.toLowerCase()}`);

export async function readInstall(
  storage: Pick<Storage, "coordination">,
  tenantId: string,
  objectId: string,
): Promise<Versioned<InstallRecord> | undefined> {
  return storage.coordination.read<InstallRecord>(keyOf(tenantId, objectId));
}

/** Writes the record over what was read (create when there was none); false when someone wrote first. */
export async function writeInstall(
  storage: Pick<Storage, "coordination">,
  tenantId: string,
  objectId: string,
  record: InstallRecord,
  previous: Versioned<InstallRecord> | undefined,
): Promise<boolean> {
  const key = keyOf(tenantId, objectId);
  try {
    if (previous) await storage.coordination.replace(key, record, previous.etag);
    else await storage.coordination.create(key, record);
    return true;
  } catch (error) {
    if (error instanceof ConcurrencyError || error instanceof AlreadyExistsError) return false;
    throw error;
  }
}
