// The contract for the repository members the API's namespaces need (the block "what the API's
// namespaces need" at the end of core/store/repositories.ts), run on every implementation by
// repositoryContract (contract.ts): a page of orders, filtered by shop and status, newest first.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { indexCommitments, type Commitment, type Order } from '../../core/model';
import type { StockReason } from '../../core/store/repositories';
import { runsWith } from '../property/seed';
import type { ContractFactory } from './contract-subject';

const SHOPS = ['Main', 'Outlet'];
const STATUSES = ['processing', 'completed'];

function order(shop: string, remoteId: number, createdAt: string, status: string): Order {
  return {
    shop, remoteId: String(remoteId), number: `${shop.slice(0, 2).toUpperCase()}:${remoteId}`, remoteNumber: String(remoteId), status, currency: 'EUR', total: '10.00',
    customer: { email: `c${remoteId}@example.com`, firstName: 'Ada', lastName: 'Okafor', phone: '', company: '' },
    lines: [], meta: {}, createdAt, modifiedAt: createdAt, importedAt: createdAt, fulfilment: 'unfulfilled', shipments: [],
  };
}

/** Orders over three months; several share an instant, so the number decides their place. */
const ordersArb = fc
  .array(
    fc.record({
      shop: fc.constantFrom(...SHOPS),
      status: fc.constantFrom(...STATUSES),
      month: fc.constantFrom('2026-09', '2026-10', '2026-11'),
      day: fc.integer({ min: 1, max: 3 }),
    }),
    { maxLength: 30 },
  )
  .map((rows) => rows.map((r, i) => order(r.shop, 100 + i, `${r.month}-0${r.day}T08:00:00.000Z`, r.status)));

const queryArb = fc.record({
  status: fc.option(fc.constantFrom(...STATUSES, 'cancelled'), { nil: undefined }),
  shop: fc.option(fc.constantFrom(...SHOPS, 'Gone'), { nil: undefined }),
  limit: fc.integer({ min: 1, max: 12 }),
  offset: fc.integer({ min: 0, max: 32 }),
});

const SKUS = ['MUG', 'TEE-M', 'tote'];
const LOCATIONS = ['Warehouse', 'Shop floor', 'Old shed'];

type StockOp =
  | { kind: 'onHand'; sku: string; location: string; quantity: number }
  | { kind: 'commit'; order: string; location: string | null; lines: Record<string, number> | null };

const stockOpsArb: fc.Arbitrary<StockOp[]> = fc.array(
  fc.oneof(
    fc.record({ kind: fc.constant('onHand' as const), sku: fc.constantFrom(...SKUS), location: fc.constantFrom(...LOCATIONS), quantity: fc.integer({ min: 0, max: 12 }) }),
    fc.record({
      kind: fc.constant('commit' as const), order: fc.constantFrom('Main#1', 'Main#2', 'Outlet#1'), location: fc.constantFrom(null, ...LOCATIONS),
      lines: fc.option(fc.dictionary(fc.constantFrom(...SKUS), fc.integer({ min: 1, max: 5 }), { minKeys: 1 }), { nil: null }),
    }),
  ),
  { maxLength: 12 },
);

const newestFirst = (a: Order, b: Order) => b.createdAt.localeCompare(a.createdAt) || b.number.localeCompare(a.number);

export function namespaceAdditionsContract(factory: ContractFactory): void {
  describe(`repository contract, the API namespaces' members: ${factory.name}`, () => {
    it('a page of orders is the matching orders newest first, sliced; the total counts every match', async () => {
      await fc.assert(
        fc.asyncProperty(ordersArb, fc.array(queryArb, { minLength: 1, maxLength: 6 }), async (orders, queries) => {
          const subject = await factory.create();
          const { repos, close } = await subject.open();
          try {
            await repos.write(async (w) => {
              for (const o of orders) await w.orders.put(o);
            });
            for (const query of queries) {
              const matching = orders.filter((o) => (!query.status || o.status === query.status) && (!query.shop || o.shop === query.shop)).sort(newestFirst);
              const page = await repos.orders.page(query);
              expect(page.total, JSON.stringify(query)).toBe(matching.length);
              expect(page.orders.map((o) => o.number), JSON.stringify(query)).toEqual(matching.slice(query.offset, query.offset + query.limit).map((o) => o.number));
            }
            // A page is a copy: changing it changes nothing stored.
            const [first] = (await repos.orders.page({ limit: 1, offset: 0 })).orders;
            if (first) {
              first.status = 'changed';
              expect((await repos.orders.findByNumber(first.number))?.status).not.toBe('changed');
            }
          } finally {
            await close();
          }
        }),
        runsWith(15),
      );
    }, 240_000);

    it('counts the orders created per UTC day and shop from a day on, whatever the hour or the zone they were given in', async () => {
      await fc.assert(
        fc.asyncProperty(ordersArb, fc.constantFrom('2026-09-02', '2026-10-01', '2026-10-03', '2026-12-01'), async (orders, from) => {
          // Some orders late in the evening at UTC+2, which is still the day before in UTC.
          const shifted = orders.map((o, i) => (i % 3 === 0 ? { ...o, createdAt: o.createdAt.replace('T08:00:00.000Z', 'T01:30:00.000+02:00') } : o));
          const subject = await factory.create();
          const { repos, close } = await subject.open();
          try {
            await repos.write(async (w) => {
              for (const o of shifted) await w.orders.put(o);
            });
            const expected: Record<string, Record<string, number>> = {};
            for (const o of shifted) {
              const day = new Date(o.createdAt).toISOString().slice(0, 10);
              if (day >= from) (expected[day] ??= {})[o.shop] = (expected[day]![o.shop] ?? 0) + 1;
            }
            expect(await repos.orders.perDay(from)).toEqual(expected);
          } finally {
            await close();
          }
        }),
        runsWith(15),
      );
    }, 240_000);

    it('indexes what orders hold per location and SKU, counts free units at the locations in the settings, and finds SKUs by part of their name', async () => {
      await fc.assert(
        fc.asyncProperty(stockOpsArb, async (ops) => {
          const subject = await factory.create();
          const { repos, close } = await subject.open();
          try {
            const why: StockReason = { at: '2026-11-01T08:00:00.000Z', cause: 'set' };
            // 'Old shed' is not among the locations: what orders hold there is not subtracted from free units.
            await repos.write(async (w) => {
              await w.settings.update({ locations: [{ name: 'Warehouse', addedAt: why.at }, { name: 'Shop floor', addedAt: why.at }] });
              for (const op of ops) {
                if (op.kind === 'onHand') await w.stock.setOnHand(op.sku, op.location, op.quantity, why);
                else await w.stock.commit(op.order, op.lines && { location: op.location, lines: op.lines }, why);
              }
            });
            const onHand = new Map<string, number>();
            const held = new Map<string, Commitment>();
            for (const op of ops) {
              if (op.kind === 'onHand') onHand.set(`${op.sku}\u0000${op.location}`, op.quantity);
              else if (op.lines) held.set(op.order, { location: op.location, lines: op.lines });
              else held.delete(op.order);
            }
            expect(await repos.stock.committedIndex()).toEqual(indexCommitments(Object.fromEntries(held)));
            const expected: Record<string, number> = {};
            for (const sku of [...SKUS, 'NONE']) {
              const units = LOCATIONS.reduce((n, l) => n + (onHand.get(`${sku}\u0000${l}`) ?? 0), 0);
              const holding = [...held.values()].filter((c) => c.location !== 'Old shed').reduce((n, c) => n + (c.lines[sku] ?? 0), 0);
              expected[sku] = Math.max(0, units - holding);
            }
            expect(await repos.stock.free([...SKUS, 'NONE'])).toEqual(expected);
            expect(await repos.stock.free([])).toEqual({});
            const items = await repos.stock.items();
            for (const needle of ['', 'm', 'TE', 'Tote', 'none']) {
              expect(await repos.stock.matching(needle), needle).toEqual(items.filter((i) => i.sku.toLowerCase().includes(needle.toLowerCase())));
            }
          } finally {
            await close();
          }
        }),
        runsWith(15),
      );
    }, 240_000);

    it('has no unreadable queued work in a new store', async () => {
      const subject = await factory.create();
      const { repos, close } = await subject.open();
      expect(await repos.queue.unreadable()).toEqual([]);
      await close();
    });
  });
}
