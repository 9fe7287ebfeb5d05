import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import * as ac from '../../core/platforms/activecampaign/wire';
import { subscriptionFromLists } from '../../core/platforms/activecampaign/connector';
import * as mc from '../../core/platforms/mailchimp/wire';
import { checkoutToRemoteOrder, toRemoteOrder as shopifyToRemote, toStockItem } from '../../core/platforms/shopify/map';
import { ShopifyCheckout, ShopifyOrder } from '../../core/platforms/shopify/wire';
import type { RemoteOrder } from '../../core/platforms/types';
import { describeWooError } from '../../core/platforms/woocommerce/connector';
import { productToStockItem, refundedByLine, toRemoteOrder as wooToRemote, variationToStockItem } from '../../core/platforms/woocommerce/map';
import { WooOrder, WooProduct, WooRefund, WooVariation } from '../../core/platforms/woocommerce/wire';
import { broken, shopifyOrder, wooOrder, wooProduct, wooRefund, wooVariation } from './arbitraries';

/**
 * Every platform answer parser (wire schema, then mapping to the model) against thousands of
 * well-formed and hostile objects: it never throws, a bad object is refused with a message naming
 * the field, and what it lets through is something the rest of Backroom can store and use.
 * fast-check prints the seed and the smallest failing object when a property fails.
 */
const RUNS = { numRuns: 3000 };

/** What jobs rely on in a mapped order: real instants, whole non-negative quantities, refunds within them. */
function expectUsable(order: RemoteOrder): void {
  for (const time of [order.createdAt, order.modifiedAt]) expect(new Date(time).toISOString(), `time ${time}`).toBe(time);
  expect(typeof order.remoteId).toBe('string');
  expect(typeof order.number).toBe('string');
  for (const line of order.lines) {
    expect(Number.isSafeInteger(line.quantity) && line.quantity >= 0, `quantity ${line.quantity}`).toBe(true);
    expect(line.refundedQuantity >= 0 && line.refundedQuantity <= line.quantity, `refunded ${line.refundedQuantity} of ${line.quantity}`).toBe(true);
  }
  for (const [key, value] of Object.entries(order.meta)) expect(typeof value, `meta ${key}`).toBe('string');
  expect(typeof order.customer.email).toBe('string');
}

const anyAnswer = fc.oneof(fc.anything(), fc.jsonValue());

describe('WooCommerce answers', () => {
  test.prop([wooOrder], RUNS)('a well-formed order always parses and maps', (raw) => {
    const parsed = WooOrder.safeParse(raw);
    expect(parsed.success, parsed.success ? '' : JSON.stringify(parsed.error.issues[0])).toBe(true);
    if (parsed.success) expectUsable(wooToRemote(parsed.data));
  });

  test.prop([fc.oneof(broken(wooOrder), anyAnswer)], RUNS)('a hostile order is refused with a message, or maps to something usable', (raw) => {
    const parsed = WooOrder.safeParse(raw);
    if (!parsed.success) {
      expect(parsed.error.issues.length).toBeGreaterThan(0);
      return;
    }
    expectUsable(wooToRemote(parsed.data));
  });

  test.prop([fc.array(fc.oneof(wooRefund, broken(wooRefund))), fc.array(fc.oneof(broken(wooOrder), wooOrder), { maxLength: 1 })], RUNS)('refunds, hostile or not, never push a line past its quantity', (refunds, orders) => {
    const good = refunds.flatMap((r) => {
      const p = WooRefund.safeParse(r);
      return p.success ? [p.data] : [];
    });
    const units = refundedByLine(good);
    for (const [, n] of units) expect(Number.isFinite(n) && n >= 0).toBe(true);
    const order = WooOrder.safeParse(orders[0]);
    if (order.success) expectUsable(wooToRemote(order.data, units));
  });

  test.prop([fc.oneof(wooProduct, broken(wooProduct), anyAnswer), fc.oneof(wooVariation, broken(wooVariation), anyAnswer)], RUNS)('products and variations map to stock items or are refused', (product, variation) => {
    const p = WooProduct.safeParse(product);
    if (p.success) expect(typeof productToStockItem(p.data).sku).toBe('string');
    const v = WooVariation.safeParse(variation);
    if (v.success) expect(variationToStockItem(v.data, 7).parentId).toBe('7');
  });

  test.prop([fc.integer({ min: 100, max: 599 }), anyAnswer], RUNS)('an error body of any shape gives a message', (status, body) => {
    expect(typeof describeWooError(status, body).message).toBe('string');
  });
});

describe('ActiveCampaign answers', () => {
  const schemas = { Contact: ac.Contact, ContactList: ac.ContactList, TagList: ac.TagList, ContactTagList: ac.ContactTagList, ContactListsResponse: ac.ContactListsResponse, FieldList: ac.FieldList, Me: ac.Me, ContactSyncResponse: ac.ContactSyncResponse };
  const contactList = fc.record({ contacts: fc.array(fc.record({ id: fc.oneof(fc.nat(), fc.string()), email: fc.emailAddress(), firstName: fc.option(fc.string(), { nil: null }) }), { maxLength: 3 }), meta: fc.record({ total: fc.oneof(fc.nat(), fc.nat().map(String)) }) });

  test.prop([fc.constantFrom(...Object.keys(schemas)), fc.oneof(anyAnswer, broken(contactList))], RUNS)('every answer shape parses or is refused, never throws', (name, body) => {
    const result = schemas[name as keyof typeof schemas].safeParse(body);
    expect(typeof result.success).toBe('boolean');
  });

  test.prop([contactList], RUNS)('a well-formed contact list parses, ids as strings', (body) => {
    const parsed = ac.ContactList.parse(body);
    for (const c of parsed.contacts) expect(typeof c.id).toBe('string');
  });

  test.prop([fc.integer({ min: 100, max: 599 }), anyAnswer, fc.array(fc.string())], RUNS)('error bodies and list statuses of any shape give an answer', (status, body, statuses) => {
    expect(typeof ac.describeActiveCampaignError(status, body).message).toBe('string');
    expect(['subscribed', 'unsubscribed', 'cleaned', 'pending', 'transactional']).toContain(subscriptionFromLists(statuses));
  });
});

describe('Mailchimp answers', () => {
  const schemas = { Member: mc.Member, Root: mc.Root, List: mc.List, MergeFields: mc.MergeFields, Batch: mc.Batch };
  const member = fc.record({ id: fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 32, maxLength: 32 }), email_address: fc.emailAddress(), status: fc.constantFrom('subscribed', 'unsubscribed', 'cleaned', 'pending', 'transactional', 'archived'), tags: fc.array(fc.record({ id: fc.nat(), name: fc.string() }), { maxLength: 3 }) });

  test.prop([fc.constantFrom(...Object.keys(schemas)), fc.oneof(anyAnswer, broken(member))], RUNS)('every answer shape parses or is refused, never throws', (name, body) => {
    const result = schemas[name as keyof typeof schemas].safeParse(body);
    expect(typeof result.success).toBe('boolean');
  });

  test.prop([member], RUNS)('a well-formed member parses', (body) => {
    expect(mc.Member.parse(body).email_address).toBe(body.email_address);
  });

  test.prop([fc.integer({ min: 100, max: 599 }), anyAnswer, fc.string()], RUNS)('error bodies and keys of any shape give an answer', (status, body, key) => {
    expect(typeof mc.describeMailchimpError(status, body).message).toBe('string');
    expect(mc.subscriberHash(key)).toMatch(/^[0-9a-f]{32}$/);
    const dc = mc.dataCenterOf(key);
    if (dc !== undefined) expect(dc).toMatch(/^[a-z]{2,}\d+$/);
  });
});

describe('Shopify answers (parsers read, not changed, here)', () => {
  test.prop([shopifyOrder], RUNS)('a well-formed order always parses and maps', (raw) => {
    const parsed = ShopifyOrder.safeParse(raw);
    expect(parsed.success, parsed.success ? '' : JSON.stringify(parsed.error.issues[0])).toBe(true);
    if (parsed.success) expectUsable(shopifyToRemote(parsed.data));
  });

  test.prop([fc.oneof(broken(shopifyOrder), anyAnswer)], RUNS)('a hostile order is refused with a message, or maps to something usable', (raw) => {
    const parsed = ShopifyOrder.safeParse(raw);
    if (parsed.success) expectUsable(shopifyToRemote(parsed.data));
  });

  test.prop([anyAnswer, anyAnswer], RUNS)('checkouts and stock items of any shape are refused or mapped, never thrown', (checkout, variant) => {
    const c = ShopifyCheckout.safeParse(checkout);
    if (c.success) expectUsable(checkoutToRemoteOrder(c.data));
    const looksLikeVariant = typeof variant === 'object' && variant !== null && 'inventoryItem' in variant;
    if (looksLikeVariant) expect(() => toStockItem(variant as Parameters<typeof toStockItem>[0])).not.toThrow(TypeError);
  });
});
