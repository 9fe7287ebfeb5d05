// Child process for the crash test: hosts the real engine on a data directory (lock, store, local
// socket, scheduler, every job) and also runs sync passes back to back, printing `ready PID` and `pass N`. The test
// SIGKILLs it at random moments. With `settle`, it runs passes until one changes nothing, prints
// `settled`, and closes cleanly on SIGTERM.
import { hostEngine } from '../../core/host/host';
import { createCrmConnector } from '../../core/platforms/crm';
import { createShopConnector } from '../../core/platforms';

const [dataDir, mode] = process.argv.slice(2);
if (!dataDir) throw new Error('usage: engine-child.ts DATA_DIR [settle]');

// The platforms' own retries, with short back-off: a sandbox answers at once.
const host = await hostEngine({
  dataDir,
  serve: true,
  // As `backroom daemon` runs it: timed jobs and debounced stock pushes, running beside the passes below.
  schedule: mode !== 'settle',
  // A Shopify history of a few hundred orders is read by a bulk query, as a large shop's would be
  // (10,000 orders and more), so kills land in the bulk read and in the live pages after it.
  connectorFactory: (shop, credentials) => createShopConnector(shop, credentials, { limits: { backoffLimitMs: 250 }, bulkThreshold: 100 }),
  crmConnectorFactory: (crm, credentials) => createCrmConnector(crm, credentials, { limits: { retries: 1, backoffLimitMs: 200, maxRetryAfterMs: 2000 } }),
});
if (!host) {
  process.stdout.write('locked\n');
  process.exit(3);
}
process.stdout.write(`ready ${process.pid}\n`);
process.on('SIGTERM', () => void host.close().then(() => process.exit(0)));
setInterval(() => undefined, 60_000);

const engine = host.ctx.engine;
// What the engine is doing, for the test's message when something hangs.
host.ctx.events.on('job', (e) => process.stdout.write(`job ${e.job} ${e.target} ${e.state} ${e.done ?? ''}/${e.total ?? ''} ${e.message ?? ''}\n`));
/** Whether a pass did anything: imported, updated, pushed, shipped, tagged… */
const busy = (summaries: Awaited<ReturnType<typeof engine.syncOnce>>) => summaries.some((s) => Object.entries(s.counts).some(([k, n]) => n > 0 && k !== 'unchanged' && k !== 'read'));

if (mode === 'settle') {
  // Quiet twice in a row (a reconcile included) before saying so; the CRM queue must be empty too.
  let quiet = 0;
  for (let pass = 1; quiet < 2; pass++) {
    const summaries = await engine.syncOnce({ reconcile: pass % 2 === 1 });
    quiet = busy(summaries) || host.store.queue.data.items.length > 0 ? 0 : quiet + 1;
    process.stdout.write(`pass ${pass}\n`);
    if (pass > 200) throw new Error('the engine did not settle within 200 passes');
  }
  await host.store.flush();
  process.stdout.write('settled\n');
} else {
  for (let pass = 1; ; pass++) {
    await engine.syncOnce({ reconcile: pass % 3 === 0 });
    process.stdout.write(`pass ${pass}\n`);
  }
}
