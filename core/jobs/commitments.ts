import { orderKey, RELEASING_STATUSES, unitsOf, type CatalogueRules, type Commitment, type Order, type Shop } from '../model';
import { UnitAlerts } from '../runtime/issues-repos';
import type { RepositoryWriters, SettingsSnapshot } from '../store/repositories';
import { replaceCommitmentIn, type StockCause, type StockUnit } from './stock-changes';

/**
 * What one write unit of the order, shipping and return jobs works with: the unit's writers, and
 * the settings and catalogue (read at most once per unit, and only when asked for). A change to the
 * catalogue in the unit (the unlinked list) is made on this snapshot and written through `w.settings`,
 * so the snapshot stays the unit's own view.
 */
export interface OrderUnit {
  w: RepositoryWriters;
  settings(): Promise<SettingsSnapshot>;
  /** The unit's alerts by key: every alert the unit raises goes through it, so it stays the unit's own view. */
  alerts(): Promise<UnitAlerts>;
  /** The snapshot's catalogue was changed (the unlinked list): `finish` writes it. */
  catalogueChanged(): void;
  /**
   * Writes what the unit kept for its end: the catalogue, once however many orders changed it
   * (writing it per order copied the whole unlinked list, up to 10,000 items, for each). Last in the unit.
   */
  finish(): Promise<void>;
}

export function orderUnit(w: RepositoryWriters): OrderUnit {
  let settings: Promise<SettingsSnapshot> | undefined;
  let alerts: Promise<UnitAlerts> | undefined;
  let catalogueChanged = false;
  return {
    w,
    settings: () => (settings ??= w.settings.get()),
    alerts: () => (alerts ??= UnitAlerts.read(w.issues)),
    catalogueChanged: () => void (catalogueChanged = true),
    async finish() {
      if (!catalogueChanged || !settings) return;
      catalogueChanged = false;
      await w.settings.update({ catalogue: (await settings).catalogue });
    },
  };
}

/** Units of each SKU an order has shipped so far. */
export function shippedBySku(order: Order): Map<string, number> {
  const shipped = new Map<string, number>();
  for (const s of order.shipments) for (const l of s.lines) shipped.set(l.sku, (shipped.get(l.sku) ?? 0) + l.quantity);
  return shipped;
}

/** Units of each SKU the order still owes the customer: ordered − refunded − shipped. */
export function outstandingBySku(order: Order): Map<string, number> {
  const owed = new Map<string, number>();
  for (const line of order.lines) {
    if (!line.sku) continue;
    owed.set(line.sku, (owed.get(line.sku) ?? 0) + Math.max(0, line.quantity - line.refundedQuantity));
  }
  for (const [sku, qty] of shippedBySku(order)) owed.set(sku, Math.max(0, (owed.get(sku) ?? 0) - qty));
  return owed;
}

export function fulfilmentOf(order: Order): Order['fulfilment'] {
  if (order.shipments.length === 0) return 'unfulfilled';
  return [...outstandingBySku(order).values()].every((q) => q === 0) ? 'fulfilled' : 'partial';
}

const NO_CATALOGUE: CatalogueRules = { aliases: [], bundles: {}, unlinked: {} };

/**
 * The stock an order holds: nothing once cancelled, refunded or fully shipped. Lines are in the
 * shop's SKUs; what they hold is in catalogue SKUs: through the shop's aliases, a kit as its parts.
 * Recomputed whole every time, so linking a SKU or adding a kit later never counts a line twice.
 */
export function commitmentFor(order: Order, shop: Pick<Shop, 'location'> | undefined, catalogue: CatalogueRules = NO_CATALOGUE): Commitment | null {
  if ((RELEASING_STATUSES as readonly string[]).includes(order.status)) return null;
  const lines: Record<string, number> = {};
  for (const [shopSku, qty] of outstandingBySku(order)) {
    if (qty <= 0) continue;
    for (const [sku, units] of unitsOf(catalogue, order.shop, shopSku, qty)) lines[sku] = (lines[sku] ?? 0) + units;
  }
  if (Object.keys(lines).length === 0) return null;
  return { location: shop?.location.kind === 'location' ? shop.location.location : null, lines };
}

/**
 * Sets (idempotently) the stock an order holds, with its ledger entries, inside the caller's unit:
 * its lines through `catalogue` (the unit's). Returns true when it changed. The entries' reference
 * is the order's number unless `why` names another.
 */
export function applyCommitmentIn(w: StockUnit, catalogue: CatalogueRules, order: Order, shop: Pick<Shop, 'location'> | undefined, why: StockCause): Promise<boolean> {
  return replaceCommitmentIn(w, orderKey(order), commitmentFor(order, shop, catalogue), { ...why, ref: why.ref ?? order.number });
}

/** Why an order's held stock changed, from the order before and after (for its ledger entries). */
export function orderCause(previous: Order | undefined, next: Order): StockCause['cause'] {
  if (!previous) return 'order';
  if (next.status === 'refunded') return 'order-refund';
  if ((RELEASING_STATUSES as readonly string[]).includes(next.status)) return 'order-cancel';
  const refunded = (o: Order) => o.lines.reduce((sum, l) => sum + l.refundedQuantity, 0);
  return refunded(next) > refunded(previous) ? 'order-refund' : 'order-edit';
}
