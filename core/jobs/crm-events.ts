import { createHash } from 'node:crypto';
import { orderKey, type Cart, type CartTransition, type Order, type Rule } from '../model';

/**
 * Something that happened to a contact and what it means for their tags (SPEC §5). `key` names
 * the event once and for all (rule + order, rule + cart transition): the exactly-once ledger is
 * keyed on it, so seeing the same order again, in two stages or after a restart, never re-tags.
 */
export interface TagEvent {
  key: string;
  /** CRM connection names the tags go to; every CRM when the rule names none. */
  crm?: string;
  email: string;
  contact: { firstName?: string; lastName?: string; phone?: string; company?: string };
  apply: string[];
  remove: string[];
  /** Cart events stop for contacts who unsubscribed (SPEC §4). */
  fromCart: boolean;
  /** Order meta, for fields the merchant maps from meta keys. */
  meta?: Record<string, string>;
}

/**
 * A rule is identified in the ledger by what it does, not by its id: removing a rule and adding
 * the same one again does not re-fire past events (`rules replay` asks for that explicitly).
 */
export function ruleFingerprint(rule: Rule): string {
  return createHash('sha256').update(JSON.stringify([rule.trigger, [...rule.applyTags].sort(), [...rule.removeTags].sort(), rule.crm ?? ''])).digest('hex').slice(0, 12);
}

const RELEASED = ['refunded', 'cancelled'];
const fullyRefunded = (l: Order['lines'][number]) => l.quantity > 0 && l.refundedQuantity >= l.quantity;

function contactOf(order: Order): TagEvent['contact'] {
  const c = order.customer;
  return { firstName: c.firstName, lastName: c.lastName, phone: c.phone, company: c.company };
}

/** Does this rule's trigger hold for the order as it is now? */
export function orderMatches(rule: Rule, order: Order): boolean {
  const t = rule.trigger;
  switch (t.kind) {
    case 'order-status':
      return t.statuses.includes(order.status);
    case 'product':
      return order.lines.some((l) => l.sku === t.sku && !fullyRefunded(l));
    case 'order-meta':
      return order.meta[t.key] === t.value;
    case 'refunded':
    case 'failed':
    case 'cancelled':
      return order.status === t.kind;
    default:
      return false;
  }
}

/** Rules whose tags an order earned by being bought (taken back by a full refund or cancellation). */
const isPurchaseRule = (rule: Rule) => rule.trigger.kind === 'order-status' || rule.trigger.kind === 'product' || rule.trigger.kind === 'order-meta';

/** The tag events an order's change brings (new order: `previous` undefined). */
export function orderEvents(rules: Rule[], previous: Order | undefined, current: Order): TagEvent[] {
  if (!current.customer.email) return [];
  const key = orderKey(current);
  const base = { email: current.customer.email.toLowerCase(), contact: contactOf(current), fromCart: false, meta: current.meta };
  const events: TagEvent[] = [];
  for (const rule of rules) {
    if (rule.trigger.kind.startsWith('cart-')) continue;
    if (!orderMatches(rule, current)) continue;
    // Purchase rules do not fire for an order that is already refunded or cancelled when first seen.
    if (isPurchaseRule(rule) && RELEASED.includes(current.status)) continue;
    events.push({ ...base, key: `rule:${ruleFingerprint(rule)}|order:${key}`, crm: rule.crm, apply: rule.applyTags, remove: rule.removeTags });
  }
  const wasReleased = previous ? RELEASED.includes(previous.status) : false;
  if (RELEASED.includes(current.status) && previous && !wasReleased) {
    // A full refund or a cancellation takes back the order's purchase tags.
    const taken = rules.filter((r) => isPurchaseRule(r) && orderMatches(r, { ...previous, status: previous.status }));
    for (const rule of taken) events.push({ ...base, key: `release:${ruleFingerprint(rule)}|order:${key}`, crm: rule.crm, apply: [], remove: rule.applyTags });
  } else if (previous && !RELEASED.includes(current.status)) {
    // A partial refund acts only on lines refunded in full: their product tags are taken back.
    for (const line of current.lines) {
      const before = previous.lines.find((l) => l.lineId === line.lineId);
      if (!fullyRefunded(line) || (before && fullyRefunded(before))) continue;
      for (const rule of rules) {
        if (rule.trigger.kind !== 'product' || rule.trigger.sku !== line.sku) continue;
        if (current.lines.some((l) => l.sku === line.sku && !fullyRefunded(l))) continue;
        events.push({ ...base, key: `release:${ruleFingerprint(rule)}|order:${key}|line:${line.lineId}`, crm: rule.crm, apply: [], remove: rule.applyTags });
      }
    }
  }
  return events;
}

const CART_TRIGGER = { abandoned: 'cart-abandoned', recovered: 'cart-recovered', lost: 'cart-lost', unsubscribed: null } as const;

/** The tag events of cart transitions. Blacklisted carts never reach the CRM. */
export function cartEvents(rules: Rule[], transitions: CartTransition[]): TagEvent[] {
  const events: TagEvent[] = [];
  for (const { cart, to } of transitions) {
    if (cart.crmBlocked) continue;
    const trigger = CART_TRIGGER[to];
    if (!trigger) continue;
    for (const rule of rules) {
      if (rule.trigger.kind !== trigger) continue;
      events.push(cartEvent(rule, cart, to));
    }
  }
  return events;
}

function cartEvent(rule: Rule, cart: Cart, to: string): TagEvent {
  const [firstName, ...rest] = cart.name.split(' ');
  return {
    key: `rule:${ruleFingerprint(rule)}|cart:${cart.id}|${to}`,
    crm: rule.crm,
    email: cart.email,
    contact: { firstName: firstName ?? '', lastName: rest.join(' ') },
    apply: rule.applyTags,
    remove: rule.removeTags,
    fromCart: true,
  };
}
