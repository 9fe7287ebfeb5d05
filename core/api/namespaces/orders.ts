// Orders pulled from the shops, listed and shown, and the shipments recorded against them.
import { z } from 'zod';
import { Name, parseShipmentCsv, Sku, type Order, type Shipment } from '../../model';
import { recordShipment, ShipmentInputError } from '../../jobs/shipping';
import type { ApiContext } from '../context';
import { method } from '../define';
import { badInput, notFound } from '../errors';
import { namespace } from '../namespace';

export interface OrderListItem {
  number: string;
  shop: string;
  status: string;
  fulfilment: Order['fulfilment'];
  email: string;
  name: string;
  total: string;
  currency: string;
  createdAt: string;
  lines: number;
}

export interface ShipmentImportResult {
  applied: boolean;
  shipments: { orderNumber: string; tracking: string; lines: { sku: string; quantity: number }[] }[];
}

const shipLine = z.object({ sku: Sku, quantity: z.number().int().min(1, 'must be at least 1') });

const contract = {
  'orders.list': method<{ total: number; orders: OrderListItem[] }>()(
    z.object({ status: z.string().optional(), shop: Name.optional(), limit: z.number().int().min(1).max(1000).default(100), offset: z.number().int().min(0).default(0) }).strict(),
  ),
  'orders.show': method<Order>()(z.object({ number: z.string().min(1, 'must not be empty') }).strict()),
  ship: method<{ order: Order; shipment: Shipment }>()(
    z.object({
      orderNumber: z.string().min(1, 'must not be empty'),
      carrier: z.string().trim().min(1, 'must not be empty'),
      tracking: z.string().trim().min(1, 'must not be empty'),
      date: z.iso.date('must be a date in the form YYYY-MM-DD').optional(),
      lines: z.array(shipLine).optional(),
      location: Name.optional(),
    }).strict(),
  ),
  'shipments.import': method<ShipmentImportResult>()(z.object({ csv: z.string(), dryRun: z.boolean().default(false), fileName: z.string().default('CSV') }).strict()),
};

function listItem(o: Order): OrderListItem {
  return {
    number: o.number,
    shop: o.shop,
    status: o.status,
    fulfilment: o.fulfilment,
    email: o.customer.email,
    name: `${o.customer.firstName} ${o.customer.lastName}`.trim(),
    total: o.total,
    currency: o.currency,
    createdAt: o.createdAt,
    lines: o.lines.length,
  };
}

async function ship(ctx: ApiContext, input: Parameters<typeof recordShipment>[1]) {
  try {
    return await recordShipment(ctx.engine.jobs, input);
  } catch (error) {
    if (error instanceof ShipmentInputError) throw badInput(error.field, error.message);
    throw error;
  }
}

export const orders = namespace(contract, {
  async 'orders.list'({ status, shop, limit, offset }, ctx) {
    const page = await ctx.repos.orders.page({ status, shop, limit, offset });
    return { total: page.total, orders: page.orders.map(listItem) };
  },

  async 'orders.show'({ number }, ctx) {
    const order = await ctx.repos.orders.findByNumber(number);
    if (!order) throw notFound('number', `There is no order ${number}. Order numbers look like WO:1043 (see: backroom orders list).`);
    return order;
  },

  async ship(params, ctx) {
    return ship(ctx, params);
  },

  async 'shipments.import'({ csv, dryRun, fileName }, ctx) {
    const { entries, errors } = parseShipmentCsv(csv);
    const problems = errors.map((e) => `${fileName} line ${e.line}: ${e.message}`);
    // Check every shipment against its order before recording any, so a bad line applies nothing.
    for (const entry of entries) {
      const order = await ctx.repos.orders.findByNumber(entry.orderNumber);
      if (!order) problems.push(`${fileName} line ${entry.line}: there is no order ${entry.orderNumber}`);
    }
    if (problems.length) throw badInput(problems[0]!.split(':')[0]!, `${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}. Nothing was imported.`, problems);
    const shipments = entries.map((e) => ({ orderNumber: e.orderNumber, tracking: e.tracking, lines: e.lines }));
    if (dryRun) return { applied: false, shipments };
    for (const entry of entries) await ship(ctx, { orderNumber: entry.orderNumber, carrier: entry.carrier, tracking: entry.tracking, date: entry.date, lines: entry.lines.length ? entry.lines : undefined });
    return { applied: true, shipments };
  },
});
