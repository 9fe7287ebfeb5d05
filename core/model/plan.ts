import { resolveSku } from './alias';
import { freeAtSource, indexCommitments, totalCommitted, totalOnHand, type CommittedIndex } from './availability';
import { leafParts } from './bundle';
import type { DesiredInput } from './catalogue';
import type { LocationMapping } from './settings';

/** One quantity a sync would push to a shop, and why. */
export interface StockPlanLine {
  /** The SKU as the shop spells it. */
  sku: string;
  /** The catalogue SKU behind it, when the shop spells it differently (an alias). */
  catalogueSku?: string;
  /** What the shop shows now (read from the shop), else what it was last sent, else null. */
  from: number | null;
  to: number;
  /** push: sent; missing / unmanaged: the shop cannot take it (an alert says so); held: noted, tried again at the next reconcile. */
  action: 'push' | 'missing' | 'unmanaged' | 'held';
  why: string;
}

/** What each stock action means to the merchant: one wording for the CLI, the terminal UI and the web page. */
export const STOCK_PLAN_WORDS: Record<StockPlanLine['action'], string> = {
  push: 'to push',
  missing: 'not on the shop',
  unmanaged: 'stock management off',
  held: 'waits for the next stock check',
};

/**
 * "2 to push, 1 not on the shop, 0 unchanged": every line of the plan is counted under its own
 * action, so the summary always adds up to the rows shown below it.
 */
export function stockPlanSummary(lines: readonly Pick<StockPlanLine, 'action'>[], unchanged: number): string {
  const counts = new Map<StockPlanLine['action'], number>();
  for (const line of lines) counts.set(line.action, (counts.get(line.action) ?? 0) + 1);
  const parts = (Object.keys(STOCK_PLAN_WORDS) as StockPlanLine['action'][])
    .filter((action) => action === 'push' || counts.has(action))
    .map((action) => `${counts.get(action) ?? 0} ${STOCK_PLAN_WORDS[action]}`);
  return [...parts, `${unchanged} unchanged`].join(', ');
}

export interface OrderPlanLine {
  number: string;
  remoteId: string;
  status: string;
  /** import: new; updated / cancelled / refunded / …: an imported order that changed on the shop. */
  action: string;
  email: string;
  lines: { sku: string; quantity: number }[];
  /** Stock the order would hold afterwards, in catalogue SKUs (a kit as its parts). */
  holds: Record<string, number>;
  /** SKUs of its lines the catalogue does not know: they would go to the unlinked list. */
  unknownSkus: string[];
}

export interface ShipmentPlanLine {
  order: string;
  shipments: { id: string; carrier: string; tracking: string; lines: { sku: string; quantity: number }[] }[];
  /** The order would be marked completed on the shop. */
  complete: boolean;
  /** Set when the push waits (whole-order shipping and the order is not fully shipped yet). */
  waiting?: string;
}

export interface CrmPlanLine {
  crm: string;
  email: string;
  add: string[];
  remove: string[];
  /** queued: already waiting in the queue; orders: what the orders of this plan would queue. */
  source: 'queued' | 'orders';
}

export interface ShopPlan {
  shop: string;
  /** No sync has finished for this shop yet. */
  firstSync: boolean;
  /** Reading the shop failed; the rest of its plan is what Backroom knows without it. */
  problem?: string;
  orders: OrderPlanLine[];
  /** Orders read beyond those listed (the plan lists at most PLAN_ORDERS_SHOWN). */
  moreOrders: number;
  /** Set when the plan stopped reading before the end (more orders than PLAN_ORDERS_READ). */
  stoppedReading?: string;
  skippedByStatus: Record<string, number>;
  stock: StockPlanLine[];
  /** SKUs whose quantity would not change. */
  unchangedStock: number;
  shipments: ShipmentPlanLine[];
}

export interface SyncPlan {
  computedAt: string;
  shops: ShopPlan[];
  crm: CrmPlanLine[];
}

/** The plan lists this many orders per shop; more are counted. */
export const PLAN_ORDERS_SHOWN = 500;
/** The plan reads at most this many orders per shop (reading is all it does, but it should end). */
export const PLAN_ORDERS_READ = 20_000;

function mappingWords(mapping: LocationMapping): string {
  return mapping.kind === 'combined' ? 'all locations combined' : `location ${mapping.location}`;
}

/** One SKU's free units at the shop's source, in words. */
function freeWords(input: DesiredInput, sku: string, mapping: LocationMapping, index: CommittedIndex): string {
  const item = Object.hasOwn(input.items, sku) ? input.items[sku] : undefined;
  const overall = `${totalOnHand(item)} on hand − ${totalCommitted(index, sku)} held = ${totalOnHand(item) - totalCommitted(index, sku)} overall`;
  if (mapping.kind === 'combined') return overall;
  const here = item?.onHand[mapping.location] ?? 0;
  const heldHere = index.byLocation.get(mapping.location)?.get(sku) ?? 0;
  return `${here} on hand at ${mapping.location} − ${heldHere} held there = ${here - heldHere}; ${overall}; the smaller counts`;
}

/**
 * Why a shop would be offered `to` units of `shopSku`, in the merchant's words: on hand, held by
 * orders, the shop's location mapping, a kit's parts, the safety buffer. It explains the figures of
 * the availability rule; the figure itself always comes from `desiredQuantities`.
 */
export function explainOffer(input: DesiredInput, shop: { name: string; location: LocationMapping; safetyBuffer?: number }, shopSku: string, to: number, index: CommittedIndex = indexCommitments(input.commitments)): string {
  const sku = resolveSku(input.catalogue.aliases, shop.name, shopSku);
  const parts: string[] = [];
  if (sku !== shopSku) parts.push(`${shopSku} is this shop's name for ${sku}`);
  parts.push(`from ${mappingWords(shop.location)}`);
  let free: number;
  if (Object.hasOwn(input.catalogue.bundles, sku)) {
    const leaves = leafParts(input.catalogue.bundles, sku);
    const each = [...leaves].map(([part, perKit]) => {
      const item = Object.hasOwn(input.items, part) ? input.items[part] : undefined;
      const partFree = freeAtSource(item, part, shop.location, index);
      return { part, perKit, partFree, kits: Math.floor(partFree / perKit), words: freeWords(input, part, shop.location, index) };
    });
    free = Math.min(...each.map((e) => e.kits));
    parts.push(`kit of ${each.map((e) => `${e.part}×${e.perKit}`).join(', ')}`);
    for (const e of each) parts.push(`${e.part}: ${e.words} → ${e.partFree} ÷ ${e.perKit} = ${e.kits} kit(s)`);
    parts.push(`the fewest is ${free}`);
  } else {
    const item = Object.hasOwn(input.items, sku) ? input.items[sku] : undefined;
    free = freeAtSource(item, sku, shop.location, index);
    parts.push(freeWords(input, sku, shop.location, index));
  }
  const buffer = shop.safetyBuffer ?? 0;
  if (buffer > 0 && free <= buffer) parts.push(`${Math.max(0, free)} is within the safety buffer of ${buffer}, so 0`);
  else if (free < 0) parts.push('never below 0');
  else if (buffer > 0) parts.push(`above the safety buffer of ${buffer}`);
  parts.push(`→ ${to}`);
  return parts.join('; ');
}
