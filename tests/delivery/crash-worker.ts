/**
 * A delivery worker in a process of its own, for the crash tests: it takes one batch and stops dead at
 * the point named by STALL_AT ("claim": claimed, not sent; "send": sent, not recorded), tells its parent,
 * and waits there to be killed with SIGKILL.
 */
import { createBotAdapter, ProactiveMessenger, renderDeliveryCard } from "../../bot/index.js";
import { DeliveryWorker, TenantRateLimiter } from "../../src/delivery/index.js";
import { openDeliveryQueue, openStorage, storageAccount } from "../../src/storage/index.js";

const env = process.env;
const required = (name: string): string => {
  const value = env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const account = storageAccount({ kind: "connectionString", connectionString: required("STORAGE_CONNECTION_STRING") });
const storage = {
  ...openStorage(account),
  deliveryQueue: openDeliveryQueue(account, required("QUEUE"), Number(required("QUEUE_SHARDS"))),
};
const appId = required("APP_ID");
const adapter = createBotAdapter({
  appId,
  appPassword: required("APP_PASSWORD"),
  appType: "MultiTenant",
  appTenantId: "",
  devMode: false,
  loginUrl: required("LOGIN_URL"),
  openIdMetadataUrl: required("OPENID_METADATA_URL"),
  channelIssuer: "https://api.botframework.com",
  allowedTenantIds: [],
});
const stallAt = required("STALL_AT");
const stall = async (point: string) => {
  if (point !== stallAt) return;
  process.send?.(`stalled-after-${point}`);
  await new Promise(() => {});
};

const worker = new DeliveryWorker(
  {
    storage,
    messenger: new ProactiveMessenger(adapter, appId),
    render: renderDeliveryCard,
    tenantLimiter: new TenantRateLimiter(storage.coordination, { perSecond: 50 }),
    hooks: { afterClaim: () => stall("claim"), afterSend: () => stall("send") },
  },
  { instanceId: "crash-worker", visibilitySeconds: Number(env.VISIBILITY_SECONDS ?? 2), batchSize: 1 },
);
await worker.runOnce();
process.send?.("finished");
