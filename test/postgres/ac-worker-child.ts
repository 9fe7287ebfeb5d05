// A worker process for the shared rate-limit test: job workers whose CRM handler talks to one
// ActiveCampaign account through the real connector, paced by the account's window in PostgreSQL
// (shared by every worker process). A job's target `N requests #K` makes N contact look-ups at once;
// the connector's pacing alone decides when each goes out. Prints `ready PID`.
import { startWorkers, stopOnSignals } from '../../core/engine/workers/runner';
import { createActiveCampaignConnector, ACTIVECAMPAIGN_LIMITS } from '../../core/platforms/activecampaign/connector';
import { parseStoreAddress } from '../../core/store/postgres/connection';
import { openStorePool } from '../../core/store/postgres/pool';
import { sharedRateWindow } from '../../core/store/postgres/rate-window';

const [url, schema, accountUrl, key] = process.argv.slice(2);
if (!url || !schema || !accountUrl || !key) throw new Error('usage: ac-worker-child.ts URL SCHEMA ACCOUNT_URL KEY');

const store = await openStorePool(parseStoreAddress(url), { max: 20 });
const window = ACTIVECAMPAIGN_LIMITS.rollingWindow!;
const pacer = sharedRateWindow(store.pool, schema, `activecampaign:${accountUrl}`, window);
const crm = createActiveCampaignConnector({ url: accountUrl, key, pacer, limits: { backoffLimitMs: 500 } });
const workers = await startWorkers({
  pool: store.pool,
  schema,
  kinds: ['crm-work'],
  concurrency: 2,
  pollingIntervalSeconds: 0.5,
  maintenanceIntervalSeconds: 5,
  expireInSeconds: 120,
  async handle(_kind, target) {
    const n = Number(/^(\d+) requests/.exec(target)?.[1] ?? 0);
    await Promise.all(Array.from({ length: n }, (_, i) => crm.getContact(`nobody-${i}@example.com`)));
    return { requests: n, pid: process.pid };
  },
});
stopOnSignals(workers, (code) => {
  void store.close().finally(() => process.exit(code));
});
process.stdout.write(`ready ${process.pid}\n`);
