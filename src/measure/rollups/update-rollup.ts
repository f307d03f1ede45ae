import { AlreadyExistsError, ConcurrencyError, type Storage } from "../../storage/index.js";

const MAX_ATTEMPTS = 20;

/**
 * Read-modify-write of one rollup row under its etag. Another instance changing the row in between makes
 * the save fail (ConcurrencyError, or AlreadyExistsError when both created it); we re-read and re-apply,
 * so no increment is lost however many instances write at once.
 */
export async function updateRollup<T>(
  storage: Pick<Storage, "rollups">,
  tenantId: string,
  scope: string,
  rowKey: string,
  empty: () => T,
  change: (data: T) => void,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const found = await storage.rollups.get<T>(tenantId, scope, rowKey);
    const data = found ? found.value.data : empty();
    change(data);
    try {
      await storage.rollups.save({ tenantId: tenantId.toLowerCase(), scope, rowKey, data }, found?.etag);
      return data;
    } catch (error) {
      const conflict = error instanceof ConcurrencyError || error instanceof AlreadyExistsError;
      if (!conflict || attempt >= MAX_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
    }
  }
}
