// Prints the peak RSS while a WooCommerce connector reads a 200 MB answer (a figure for the
// notes, not a test): `node --import tsx test/hostile/rss-report.ts`.
import { createWooConnector } from '../../core/platforms/woocommerce/connector';
import { startHostileServer } from '../../sandbox/kit/hostile';
import { firstPage } from '../pages';

const MB = 1024 * 1024;
const server = await startHostileServer({ kind: 'huge', bytes: 200 * MB });
const woo = createWooConnector({ url: server.url }, { key: 'ck_rss', secret: 'cs_rss' }, { limits: { retries: 0, timeoutMs: 120_000 } });
const start = process.memoryUsage().rss;
let peak = start;
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 20);
const outcome = await firstPage(woo.orderPages({ pageSize: 100 })).then(
  () => 'answer read in full',
  (error: Error) => error.message,
);
peak = Math.max(peak, process.memoryUsage().rss);
clearInterval(sampler);
await server.close();
console.log(`RSS at start ${(start / MB).toFixed(0)} MB, peak ${(peak / MB).toFixed(0)} MB (+${((peak - start) / MB).toFixed(0)} MB): ${outcome.slice(0, 160)}`);
