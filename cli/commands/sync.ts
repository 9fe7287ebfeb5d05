import { basename } from 'node:path';
import type { Command } from 'commander';
import { JOB_ORDER } from '../../core/engine/engine';
import { ApiError } from '../../core/api/errors';
import type { OrderListItem } from '../../core/api/namespaces/orders';
import type { JobSummary } from '../../core/jobs/context';
import type { Order } from '../../core/model';
import { action, type CliDeps } from '../context';
import { localTime, table, UsageError } from '../output';
import { choiceOption, parseCount, parseList, readInputFile } from '../parse';
import { formatPlan } from './plan';

/** Pause and resume only mean something to an engine that keeps running. */
const NO_ENGINE = (what: string) => `No Backroom engine is running on this data folder, so there is nothing to ${what}. Start one with: backroom daemon`;

function describeSummary(s: JobSummary): string {
  const counts = Object.entries(s.counts).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`).join(', ') || 'nothing to do';
  return `${s.job.padEnd(9)} ${s.target}: ${counts}; ${s.requests} request(s)${s.errors ? `; ${s.errors} error(s)` : ''}${s.stopped ? ` — stopped: ${s.stopped}` : ''}`;
}

/** One order as `orders show` prints it; times in the merchant's zone (`timeZone` is for tests). */
export function formatOrder(o: Order, timeZone?: string): string {
  const lines = [
    `Order ${o.number} (${o.shop} #${o.remoteNumber}) — ${o.status}, ${o.fulfilment}`,
    `Customer: ${`${o.customer.firstName} ${o.customer.lastName}`.trim() || '(no name)'} <${o.customer.email}>`,
    `Created ${localTime(o.createdAt, timeZone)}, modified ${localTime(o.modifiedAt, timeZone)}; total ${o.total} ${o.currency}`,
    '',
    table(['SKU', 'ITEM', 'QTY', 'REFUNDED', 'TOTAL'], o.lines.map((l) => [l.sku || '(none)', l.name, l.quantity, l.refundedQuantity, l.total])),
  ];
  if (o.shipments.length) {
    lines.push('', table(['SHIPMENT', 'DATE', 'CARRIER', 'TRACKING', 'FROM', 'CONTENTS', 'ON SHOP'], o.shipments.map((s) => [
      s.id, s.date, s.carrier, s.tracking, s.location, s.lines.map((l) => `${l.sku}×${l.quantity}`).join(' '), s.pushedAt ? 'sent' : 'pending',
    ])));
  }
  return lines.join('\n');
}

/** The `orders list` table, newest first as the API gives it; created times in the merchant's zone. */
export function formatOrderList(result: { total: number; orders: readonly OrderListItem[] }, timeZone?: string): string {
  if (result.total === 0) return 'No orders yet.';
  const rows = result.orders.map((o) => [o.number, o.shop, o.status, o.fulfilment, o.email, `${o.total} ${o.currency}`, localTime(o.createdAt, timeZone)]);
  const more = result.total > result.orders.length ? `\n… ${result.total - result.orders.length} more (use --limit)` : '';
  return `${table(['ORDER', 'SHOP', 'STATUS', 'SHIPPED', 'CUSTOMER', 'TOTAL', 'CREATED'], rows)}${more}`;
}

/** `SKU:QTY,SKU:QTY` → shipment lines. */
function parseLines(value: string): { sku: string; quantity: number }[] {
  return parseList(value).map((part) => {
    const at = part.lastIndexOf(':');
    if (at <= 0) throw new UsageError('--lines', `--lines entry "${part}" must look like SKU:QTY.`);
    const quantity = parseCount('--lines quantity', part.slice(at + 1));
    if (quantity < 1) throw new UsageError('--lines', `--lines quantity for ${part.slice(0, at)} must be at least 1.`);
    return { sku: part.slice(0, at), quantity };
  });
}

export function registerSync(program: Command, deps: CliDeps): void {
  program
    .command('sync')
    .description('run the sync jobs now, in order: orders, inventory, shipping, carts, crm')
    .option('--once', 'run one pass and exit (the default for this command)')
    .addOption(choiceOption('--job <job>', 'run only this job', 'job', JOB_ORDER))
    .option('--shop <name>', 'only this shop')
    .option('--reconcile', "also read each shop's stock and correct drift")
    .option('--plan', 'dry run: show what a sync would import, push and send, and why, changing nothing')
    .action(action(deps, async ({ api, print }, opts: { job?: (typeof JOB_ORDER)[number]; shop?: string; reconcile?: boolean; plan?: boolean }) => {
      if (opts.plan) {
        if (opts.job || opts.reconcile) throw new UsageError(opts.job ? '--job' : '--reconcile', '--plan shows a whole sync pass; it takes only --shop.');
        const plan = await (await api()).call('sync.plan', { shop: opts.shop });
        print.result(plan, () => formatPlan(plan));
        return;
      }
      const result = await (await api()).call('sync.run', { job: opts.job, shop: opts.shop, reconcile: Boolean(opts.reconcile) });
      print.result(result, () => (result.summaries.length ? result.summaries.map(describeSummary).join('\n') : 'Nothing to sync: add a shop first (backroom shop add --help).'));
      if (result.summaries.some((s) => s.errors > 0)) {
        if (!print.json) deps.io.err('Some operations failed; see: backroom errors list\n');
        return 1;
      }
    }));

  const orders = program.command('orders').description('orders pulled from the shops');
  orders
    .command('list')
    .description('list orders, newest first')
    .option('--status <status>', 'only orders in this status')
    .option('--shop <name>', 'only orders of this shop')
    .option('--limit <n>', 'how many to show', '50')
    .action(action(deps, async ({ api, print }, opts: { status?: string; shop?: string; limit: string }) => {
      const limit = parseCount('--limit', opts.limit);
      if (limit < 1 || limit > 1000) throw new UsageError('--limit', '--limit must be between 1 and 1000.');
      const result = await (await api()).call('orders.list', { status: opts.status, shop: opts.shop, limit });
      print.result(result, () => formatOrderList(result));
    }));
  orders
    .command('show <number>')
    .description('show one order with its lines and shipments')
    .action(action(deps, async ({ api, print }, number: string) => {
      const order = await (await api()).call('orders.show', { number });
      print.result(order, () => formatOrder(order));
    }));

  const ship = program
    .command('ship')
    .description('record a shipment of an order (pushed to the shop once the order is fully shipped)')
    .argument('[number]', 'the order number, e.g. WO:1043')
    .option('--carrier <name>', 'carrier, e.g. DHL')
    .option('--tracking <number>', 'tracking number')
    .option('--date <YYYY-MM-DD>', 'shipping date (default: today)')
    .option('--lines <SKU:QTY,...>', 'what was shipped (default: everything still owed)')
    .option('--location <name>', 'where it shipped from (default: the shop’s location)')
    .action(action(deps, async ({ api, print }, number: string | undefined, opts: { carrier?: string; tracking?: string; date?: string; lines?: string; location?: string }) => {
      if (!number) throw new UsageError('NUMBER', 'Give the order number, e.g. backroom ship WO:1043 --carrier DHL --tracking 123.');
      if (!opts.carrier) throw new UsageError('--carrier', 'required option --carrier <name> not given.');
      if (!opts.tracking) throw new UsageError('--tracking', 'required option --tracking <number> not given.');
      const result = await (await api()).call('ship', {
        orderNumber: number, carrier: opts.carrier, tracking: opts.tracking, date: opts.date, location: opts.location,
        lines: opts.lines ? parseLines(opts.lines) : undefined,
      });
      print.result(result, () => `Recorded shipment ${result.shipment.id} of ${result.order.number} (${result.shipment.lines.map((l) => `${l.sku}×${l.quantity}`).join(', ')}); order is now ${result.order.fulfilment}.`);
    }));
  ship
    .command('import <file>')
    .description('record shipments from a CSV file: order,carrier,tracking,date,sku,quantity (all or none)')
    .option('--dry-run', 'check the file and show what would be recorded')
    .action(action(deps, async ({ api, print }, file: string, opts: { dryRun?: boolean }) => {
      const csv = await readInputFile(file);
      const result = await (await api()).call('shipments.import', { csv, dryRun: Boolean(opts.dryRun), fileName: basename(file) });
      print.result(result, () => `${result.applied ? 'Recorded' : 'Dry run: would record'} ${result.shipments.length} shipment(s).`);
    }));

  program
    .command('pause')
    .description('pause timed syncing in the running engine')
    .action(action(deps, async ({ api, print }) => {
      const client = await api();
      if (client.via === 'direct') throw new ApiError('failed', NO_ENGINE('pause'));
      const state = await client.call('engine.pause');
      print.result(state, () => 'Syncing paused.');
    }));
  program
    .command('resume')
    .description('resume timed syncing in the running engine')
    .action(action(deps, async ({ api, print }) => {
      const client = await api();
      if (client.via === 'direct') throw new ApiError('failed', NO_ENGINE('resume'));
      const state = await client.call('engine.resume');
      print.result(state, () => 'Syncing resumed.');
    }));
}
