/** How long the demo seed takes on a fresh in-memory Azurite (start-up time with SEED_DEMO_DATA). */
import { seedWinRatePilot } from "../src/demo/index.js";
import { startAzurite } from "../src/dev/azurite.js";
import { openStorage, storageAccount } from "../src/storage/index.js";

const azurite = await startAzurite();
try {
  const storage = openStorage(storageAccount({ kind: "connectionString", connectionString: azurite.connectionString }));
  await storage.ensure();
  const started = performance.now();
  await seedWinRatePilot(storage);
  console.log(`demo seed: ${Math.round(performance.now() - started)} ms`);
} finally {
  await azurite.stop();
}
