// A worker process for the workers bench: pulls of "orders" that write a page of 20 orders and move
// the shop's cursor in one `Repositories.write` unit on PostgreSQL — real store work, not a sleep.
// Prints `ready PID`; ends on SIGTERM.
import type { Order } from '../../core/model';
import { startWorkers, stopOnSignals } from '../../core/engine/workers/runner';
import { parseStoreAddress } from '../../core/store/postgres/connection';
import { openStorePool } from '../../core/store/postgres/pool';
import { postgresRepositories } from '../../core/store/postgres/repositories';

const [url, schema, polling = '0.5', maintenance = '60'] = process.argv.slice(2);
if (!url || !schema) throw new Error('usage: workers-child.ts URL SCHEMA [POLLING_SECONDS] [MAINTENANCE_SECONDS]');
const PAGE = 20;

const store = await openStorePool(parseStoreAddress(url), { max: 4 });
const repos = postgresRepositories(store.pool, schema);
let next = 0;
const at = () => new Date().toISOString();

function order(shop: string, remoteId: string): Order {
  const now = at();
  return {
    shop, remoteId, number: `WO:${remoteId}`, remoteNumber: remoteId, status: 'processing', currency: 'EUR', total: '39.90',
    customer: { email: `c${remoteId}@example.com`, firstName: 'Anna', lastName: 'Weber', phone: '', company: '' },
    lines: [
      { lineId: '1', sku: 'SKU-00001', name: 'T-shirt', quantity: 2, total: '19.90', refundedQuantity: 0, productId: '11' },
      { lineId: '2', sku: 'SKU-00002', name: 'Mug', quantity: 1, total: '20.00', refundedQuantity: 0, productId: '12' },
    ],
    meta: {}, createdAt: now, modifiedAt: now, importedAt: now, fulfilment: 'unfulfilled', shipments: [],
  };
}

const workers = await startWorkers({
  pool: store.pool,
  schema,
  kinds: ['orders-pull', 'cart-sweep', 'crm-work'],
  pollingIntervalSeconds: Number(polling),
  maintenanceIntervalSeconds: Number(maintenance),
  async handle(_kind, target) {
    const ids = Array.from({ length: PAGE }, () => `${process.pid}-${++next}`);
    await repos.write(async (w) => {
      for (const id of ids) await w.orders.put(order(target, id));
    }, [{ shop: target, ordersModifiedAfter: at() }]);
    return { orders: PAGE };
  },
});
stopOnSignals(workers, (code) => {
  void store.close().finally(() => process.exit(code));
});
process.stdout.write(`ready ${process.pid}\n`);
