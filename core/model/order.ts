import { z } from 'zod';
import { Instant, Money, Name, Sku } from './common';

export const OrderLine = z.object({
  /** The shop's id of the line item, stable across edits. */
  lineId: z.string(),
  sku: z.string(),
  name: z.string(),
  quantity: z.number().int().min(0),
  /** Units of this line refunded on the shop. */
  refundedQuantity: z.number().int().min(0).default(0),
  productId: z.string(),
  variationId: z.string().optional(),
  total: Money,
});
export type OrderLine = z.infer<typeof OrderLine>;

export const Customer = z.object({
  email: z.string(),
  firstName: z.string().default(''),
  lastName: z.string().default(''),
  phone: z.string().default(''),
  company: z.string().default(''),
  remoteId: z.string().optional(),
});
export type Customer = z.infer<typeof Customer>;

export const ShipmentLine = z.object({ sku: Sku, quantity: z.number().int().min(1, 'must be at least 1') });

export const Shipment = z.object({
  id: z.string(),
  orderNumber: z.string(),
  date: z.iso.date(),
  carrier: z.string().trim().min(1, 'must not be empty'),
  tracking: z.string().trim().min(1, 'must not be empty'),
  location: Name,
  lines: z.array(ShipmentLine).min(1),
  recordedAt: Instant,
  /** Set when this shipment's tracking has been confirmed on the shop. */
  pushedAt: Instant.optional(),
  /** The shop's id for the tracking entry or note we created, used to check before re-sending. */
  remoteRef: z.string().optional(),
});
export type Shipment = z.infer<typeof Shipment>;

/** How far the hub has shipped the order. */
export const Fulfilment = z.enum(['unfulfilled', 'partial', 'fulfilled']);

export const Order = z.object({
  shop: Name,
  remoteId: z.string(),
  /** Prefixed number shown to the merchant, e.g. `WO:1043`. Unique across shops. */
  number: z.string(),
  remoteNumber: z.string(),
  /** The shop's status, as the shop names it (`processing`, `completed`, `cancelled`, …). */
  status: z.string(),
  currency: z.string(),
  total: Money,
  customer: Customer,
  lines: z.array(OrderLine),
  /** Order meta the merchant may map or match in rules (checkout step, upsell, …); values as strings. */
  meta: z.record(z.string(), z.string()).default({}),
  createdAt: Instant,
  modifiedAt: Instant,
  importedAt: Instant,
  fulfilment: Fulfilment.default('unfulfilled'),
  /** Shipments recorded in Backroom against this order. */
  shipments: z.array(Shipment).default([]),
  /** Set once the order has been marked completed on the shop after its last shipment. */
  shippingPushedAt: Instant.optional(),
});
export type Order = z.infer<typeof Order>;

/** The dedupe key of an order: a shop and the shop's own id. */
export function orderKey(o: { shop: string; remoteId: string }): string {
  return `${o.shop}#${o.remoteId}`;
}

/** Statuses after which an order no longer holds stock. */
export const RELEASING_STATUSES = ['cancelled', 'refunded', 'failed', 'trash'] as const;

