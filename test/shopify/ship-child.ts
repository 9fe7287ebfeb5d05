// Child process for the Shopify crash test: hosts the engine on a data directory with the real
// Shopify connector, runs the shipping push once and prints its summary.
import { hostEngine } from '../../core/host/host';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: ship-child.ts DATA_DIR');
const host = await hostEngine({ dataDir, serve: false });
if (!host) throw new Error('the data directory is locked');
process.stdout.write('started\n');
const run = await host.client.call('sync.run', { job: 'shipping' });
process.stdout.write(`done ${JSON.stringify(run.summaries)}\n`);
await host.close();
