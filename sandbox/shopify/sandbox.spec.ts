import { afterEach, describe, expect, it } from 'vitest';
import { INVALID_TOKEN_BODY, startShopifySandbox, type ShopifySandbox } from '.';

let shop: ShopifySandbox | undefined;
afterEach(async () => {
  await shop?.close();
  shop = undefined;
});

async function post(s: ShopifySandbox, query: string, variables: Record<string, unknown> = {}, token = s.token) {
  const res = await fetch(`${s.url}/admin/api/2026-10/graphql.json`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-shopify-access-token': token }, body: JSON.stringify({ query, variables }) });
  return { status: res.status, body: (await res.json()) as { data?: Record<string, unknown>; errors?: unknown; extensions?: { cost?: { requestedQueryCost: number; actualQueryCost: number | null; throttleStatus: { currentlyAvailable: number } } } } };
}

describe('Shopify sandbox', () => {
  it('answers only the fields asked for, with cost, and refuses unknown fields and operations', async () => {
    shop = await startShopifySandbox({ seed: { orders: 3 } });
    const ok = await post(shop, 'query Q { orders(first: 2) { pageInfo { hasNextPage } nodes { id name } } }');
    expect(ok.body.data).toEqual({ orders: { pageInfo: { hasNextPage: true }, nodes: [expect.objectContaining({ id: expect.stringMatching(/^gid:\/\/shopify\/Order\/\d+$/) as unknown }), expect.anything()] } });
    expect(Object.keys((ok.body.data!.orders as { nodes: object[] }).nodes[0]!)).toEqual(['id', 'name']);
    expect(ok.body.extensions?.cost).toMatchObject({ requestedQueryCost: 4, actualQueryCost: 4 });

    const unknownField = await post(shop, 'query Q { orders(first: 2) { nodes { id colour } } }');
    expect(unknownField.body.errors).toEqual([expect.objectContaining({ message: 'Cannot query field "colour" on type "Order".' })]);
    const unknownRoot = await post(shop, 'query Q { carts(first: 2) { nodes { id } } }');
    expect(unknownRoot.body.errors).toEqual([expect.objectContaining({ message: expect.stringContaining('Cannot query field "carts" on type "QueryRoot".') as unknown })]);
    // A real Shopify field the practice shop does not serve is refused by name, not answered with nulls.
    const unserved = await post(shop, 'query Q { products(first: 2) { nodes { id } } }');
    expect(unserved.body.errors).toEqual([expect.objectContaining({ message: expect.stringContaining("does not serve query field 'products'") as unknown })]);
    const tooBig = await post(shop, 'query Q { orders(first: 250) { nodes { id lineItems(first: 50) { nodes { id variant { id } } } } } }');
    expect(tooBig.body.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'MAX_COST_EXCEEDED' }) as unknown })]);
  });

  it('refuses a wrong token with Shopify\'s 401 body and throttles an empty bucket', async () => {
    shop = await startShopifySandbox({ seed: { orders: 1 }, bucket: { maximumAvailable: 1000, restoreRate: 1 } });
    const denied = await post(shop, 'query Q { shop { name } }', {}, 'shpat_wrong');
    expect(denied).toEqual({ status: 401, body: INVALID_TOKEN_BODY });
    shop.bucket.setAvailable(0);
    const throttled = await post(shop, 'query Q { shop { name } }');
    expect(throttled.status).toBe(200);
    expect(throttled.body.errors).toEqual([{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: expect.any(String) as unknown } }]);
    expect(throttled.body.extensions?.cost).toMatchObject({ requestedQueryCost: 1, actualQueryCost: null });
    expect(shop.operations.map((o) => o.throttled)).toEqual([true]);
  });
});
