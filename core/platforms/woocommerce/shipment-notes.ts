import type { OutgoingShipment } from '../types';

/**
 * How Backroom marks what it wrote on an order, so a retried push can recognise its own work.
 * Shipment Tracking entries have no free-text field, so alongside each entry Backroom adds a
 * private order note naming the shipment and the entry's id; without the extension the shipment
 * goes out as a customer note carrying the same reference.
 */
const REFERENCE = /\(ref\. backroom-shipment:([A-Za-z0-9_.:-]+)\)/;
const TRACKING_LINE = /^Tracking number: (.+)$/m;
const ENTRY_LINE = /^Shipment Tracking entry: ([A-Za-z0-9]+)$/m;

export const reference = (shipmentId: string) => `(ref. backroom-shipment:${shipmentId})`;

/** The customer note sent where Shipment Tracking is not installed (WooCommerce emails it to the customer). */
export function customerShipmentNote(s: OutgoingShipment): string {
  const items = s.lines.map((l) => `${l.sku} × ${l.quantity}`).join(', ');
  return [`Your order has been shipped with ${s.carrier} on ${s.date}.`, `Tracking number: ${s.tracking}`, ...(items ? [`Items: ${items}`] : []), reference(s.shipmentId)].join('\n');
}

/** The private note recording which Shipment Tracking entry belongs to which Backroom shipment. */
export function privateTrackingNote(s: OutgoingShipment, trackingId: string): string {
  return [`Backroom sent shipment ${s.shipmentId} (${s.carrier}).`, `Tracking number: ${s.tracking}`, `Shipment Tracking entry: ${trackingId}`, reference(s.shipmentId)].join('\n');
}

export interface ParsedNote {
  shipmentId: string;
  tracking: string;
  /** Set on private notes that record a Shipment Tracking entry. */
  trackingEntryId?: string;
}

export function parseShipmentNote(text: string): ParsedNote | null {
  const plain = text.replace(/<br\s*\/?>/gi, '\n');
  const ref = REFERENCE.exec(plain);
  if (!ref) return null;
  const entry = ENTRY_LINE.exec(plain)?.[1];
  return { shipmentId: ref[1]!, tracking: TRACKING_LINE.exec(plain)?.[1]?.trim() ?? '', ...(entry ? { trackingEntryId: entry } : {}) };
}
