import { z } from 'zod';

/**
 * What the persistent work queue (queue.json) holds: one schema for every kind of work, a union
 * discriminated by `kind`. Items read from the file are checked against it, so the code that runs
 * an item gets its payload's type from `kind` and never needs to guess. The file's shape is the one
 * earlier versions wrote: `{ id, lane, kind, payload, enqueuedAt, attempts, notBefore? }`.
 */

const envelope = {
  id: z.string().min(1),
  /** Which lane it runs in, e.g. `crm:Main list`; each lane has its own rate limit. */
  lane: z.string().min(1),
  enqueuedAt: z.string(),
  attempts: z.number().int().nonnegative().default(0),
  /** Not run before this instant (ISO): the back-off after a failure. */
  notBefore: z.string().optional(),
};

export const SHIPPING_PUSH = 'shipping.push';
export const CRM_CONTACT = 'crm.contact';
export const CRM_BATCH = 'crm.batch';

/** An order whose shipping must reach its shop (lane `shop:NAME`); one per order. */
export const ShippingWork = z.object({
  ...envelope,
  kind: z.literal(SHIPPING_PUSH),
  payload: z.object({ order: z.string().min(1), createdAt: z.string(), remoteId: z.string(), dedupeKey: z.string() }),
});

/** One tag change for a contact, with the ledger keys it settles. */
export const TagOp = z.object({ tag: z.string(), op: z.enum(['add', 'remove']), keys: z.array(z.string()), fromCart: z.boolean() });
export type TagOp = z.infer<typeof TagOp>;

/** A queued contact: who, their fields, and the tag changes waiting for them. */
export const ContactWork = z.object({
  ...envelope,
  kind: z.literal(CRM_CONTACT),
  payload: z.object({
    email: z.string().min(1),
    contact: z.object({ firstName: z.string().optional(), lastName: z.string().optional(), phone: z.string().optional(), company: z.string().optional() }),
    meta: z.record(z.string(), z.string()),
    ops: z.array(TagOp),
    /** Set while the contact's changes travel in a CRM batch (its intent id): nothing merges into it then. */
    batch: z.string().optional(),
    /**
     * Set when a bulk import failed for this contact or its answer was lost: it goes one by one from
     * then on, which reads the contact's tags before sending and gives the CRM's own message.
     */
    oneByOne: z.boolean().optional(),
  }),
});

/** One operation of a batch Backroom submitted: which queued contact it settles and what it changes. */
const BatchOperation = z.object({
  operationId: z.string(),
  itemId: z.string(),
  change: z.object({ ref: z.object({ id: z.string(), email: z.string() }), apply: z.array(z.string()), remove: z.array(z.string()) }),
  /**
   * The ledger keys this operation settles, and the contact's derived fields it carries
   * (`fieldsSignature`), both taken when it was written: changes that reach the contact's queued item
   * while it travels are not in it and stay queued. Absent in intents written by earlier versions.
   */
  keys: z.array(z.string()).optional(),
  fields: z.string().optional(),
});

/**
 * A batch, as written to queue.json before it is submitted (the intent) and again once the CRM has
 * given its id (see the CRM job's `runBatch` for why this is enough for exactly once).
 */
export const BatchWork = z.object({
  ...envelope,
  kind: z.literal(CRM_BATCH),
  payload: z.object({
    intent: z.string(),
    notedAt: z.string(),
    batchId: z.string().optional(),
    /** `import`: a bulk contact import that also applies the tags (ActiveCampaign); absent: a tag batch (Mailchimp). */
    via: z.literal('import').optional(),
    operations: z.array(BatchOperation),
  }),
});

export const QueuedWork = z.discriminatedUnion('kind', [ShippingWork, ContactWork, BatchWork]);
export type QueuedWork = z.infer<typeof QueuedWork>;
export type WorkKind = QueuedWork['kind'];
export type WorkOf<K extends WorkKind> = Extract<QueuedWork, { kind: K }>;

/**
 * What names an item within its kind: a shipping push by its order (one per order), CRM work by its
 * id (a contact may have one item travelling in a batch and another waiting behind it).
 */
export function workKey(item: QueuedWork): string {
  return item.kind === SHIPPING_PUSH ? item.payload.order : item.id;
}

/** An item of queue.json this version cannot read: kept as it was, with the reason, and never run. */
export const UnreadableWork = z.object({ item: z.unknown(), problem: z.string() });
export type UnreadableWork = z.infer<typeof UnreadableWork>;
