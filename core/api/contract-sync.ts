import { z } from 'zod';
import { Name, Sku } from '../model';
import type { Order, Shipment } from '../model';
import type { JobSummary } from '../jobs/context';
import type { NextRun } from '../engine/scheduler';
import { JOB_ORDER } from '../engine/engine';
import { method } from './define';

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

export interface EngineState {
  state: 'ok' | 'syncing' | 'errors' | 'paused';
  paused: boolean;
  running: string[];
  nextRuns: NextRun[];
  queueDepth: number;
}

export interface ShipmentImportResult {
  applied: boolean;
  shipments: { orderNumber: string; tracking: string; lines: { sku: string; quantity: number }[] }[];
}

const shipLine = z.object({ sku: Sku, quantity: z.number().int().min(1, 'must be at least 1') });

/** API methods of the sync engine (orders, stock push, shipping) and of the engine itself. */
export const syncContract = {
  'sync.run': method<{ summaries: JobSummary[] }>()(
    z.object({ job: z.enum(JOB_ORDER).optional(), shop: Name.optional(), reconcile: z.boolean().default(false) }).strict(),
  ),
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
  'errors.retry': method<{ resolved: boolean; message?: string }>()(z.object({ id: z.string().min(1) }).strict()),
  'engine.state': method<EngineState>()(z.object({}).strict()),
  'engine.pause': method<EngineState>()(z.object({}).strict()),
  'engine.resume': method<EngineState>()(z.object({}).strict()),
};
