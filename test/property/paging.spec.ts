// One way to page, attacked: for random page sizes, modified-time ties at page boundaries and
// random interruption points, reading to the end — and resuming from whatever checkpoint was
// persisted when the read was cut off — yields every order (no loss), each once per read (no
// duplicate), re-reads after a resume only what lies beyond the checkpoint, and no persisted
// checkpoint ever covers an order that was not stored yet. Both page shapes are attacked:
// WooCommerce's numbered pages of a filtered list and Shopify's GraphQL cursors.
import { fc } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { byModifiedTime, chunk, collect, cursorPages, keysetPages, MAX_PAGES_PER_READ, modifiedCheckpoint, numberedPages, type Pages } from '../../core/platforms/paging';

const T0 = Date.parse('2026-03-01T10:00:00Z');

interface Listed {
  id: string;
  modifiedAt: string;
}

const identify = (o: Listed) => o.id;
const timeOf = (o: Listed) => Date.parse(o.modifiedAt);

/** Orders as a shop lists them: modified after `after` (strict, to the second, as both platforms filter), oldest change first, ties by id. */
function listed(orders: Listed[], after: string | undefined): Listed[] {
  const from = after === undefined ? -Infinity : Math.floor(Date.parse(after) / 1000) * 1000;
  return orders.filter((o) => timeOf(o) > from).sort((a, b) => timeOf(a) - timeOf(b) || Number(a.id) - Number(b.id));
}

/** WooCommerce's shape: page N of per_page, with X-WP-TotalPages. */
function wooPages(orders: Listed[], perPage: number, after: string | undefined): Pages<Listed> {
  return keysetPages({
    after,
    identify: (o) => ({ id: identify(o), modifiedAt: o.modifiedAt }),
    read: async (since, page) => {
      const all = listed(orders, since);
      const items = all.slice((page - 1) * perPage, page * perPage);
      const totalPages = Math.ceil(all.length / perPage);
      return { items, more: items.length >= perPage && page < totalPages };
    },
  });
}

/** Shopify's shape: `first` nodes after an opaque cursor, page sizes varying with the cost bucket. */
function shopifyPages(orders: Listed[], sizes: number[], after: string | undefined): Pages<Listed> {
  const all = listed(orders, after);
  let request = 0;
  const pages = cursorPages(async (cursor) => {
    const start = cursor === null ? 0 : all.findIndex((o) => o.id === Buffer.from(cursor, 'base64').toString('utf8')) + 1;
    const first = sizes[request++ % sizes.length]!;
    const items = all.slice(start, start + first);
    const last = items.at(-1);
    return { items, more: start + items.length < all.length, endCursor: last ? Buffer.from(last.id).toString('base64') : cursor };
  });
  return byModifiedTime(pages, modifiedCheckpoint((o: Listed) => ({ id: identify(o), modifiedAt: o.modifiedAt }), after));
}

const scenario = fc.record({
  // Few distinct seconds for many orders: ties at page boundaries are the rule, not the exception.
  seconds: fc.array(fc.integer({ min: 0, max: 12 }), { maxLength: 90 }),
  perPage: fc.integer({ min: 1, max: 25 }),
  shopifySizes: fc.array(fc.integer({ min: 1, max: 25 }), { minLength: 1, maxLength: 6 }),
  // Where the first read is cut off: after this many pages, part-way through the next one.
  cutAfterPages: fc.nat({ max: 40 }),
  cutWithin: fc.nat(),
  // The first read may itself resume from an earlier cursor (a later pull).
  startAt: fc.option(fc.integer({ min: -1, max: 12 }), { nil: undefined }),
});

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;
type Shape = (orders: Listed[], after: string | undefined) => Pages<Listed>;

async function attack(shape: Shape, s: Scenario): Promise<void> {
  const orders: Listed[] = s.seconds.map((sec, i) => ({ id: String(i + 1), modifiedAt: new Date(T0 + sec * 1000).toISOString() }));
  const start = s.startAt === undefined ? undefined : new Date(T0 + s.startAt * 1000).toISOString();
  const wanted = orders.filter((o) => start === undefined || timeOf(o) > Math.floor(Date.parse(start) / 1000) * 1000);
  const stored = new Map<string, Listed>();
  let persisted = start;
  const persist = (checkpoint: string | undefined) => {
    if (checkpoint === undefined) return;
    // Never backwards, and never ahead of the data: every order modified at or before it is stored.
    if (persisted !== undefined) expect(Date.parse(checkpoint)).toBeGreaterThanOrEqual(Date.parse(persisted));
    const ahead = wanted.filter((o) => timeOf(o) <= Date.parse(checkpoint) && !stored.has(o.id));
    expect(ahead, `checkpoint ${checkpoint} covers orders not stored`).toEqual([]);
    persisted = checkpoint;
  };

  // First read, cut off: pages fully stored and checkpointed, then part of one page and a crash.
  const firstRead: string[] = [];
  let pages = 0;
  for await (const page of shape(orders, start)) {
    if (pages++ === s.cutAfterPages) {
      for (const o of page.items.slice(0, s.cutWithin % (page.items.length + 1))) stored.set(o.id, o);
      break;
    }
    for (const o of page.items) {
      firstRead.push(o.id);
      stored.set(o.id, o);
    }
    persist(page.checkpoint);
  }
  expect(new Set(firstRead).size, 'an order yielded twice in one read').toBe(firstRead.length);

  // Resume from what was persisted, to the end.
  const resumeFrom = persisted;
  const secondRead: string[] = [];
  for await (const page of shape(orders, resumeFrom)) {
    for (const o of page.items) {
      secondRead.push(o.id);
      stored.set(o.id, o);
    }
    persist(page.checkpoint);
  }
  expect(new Set(secondRead).size, 'an order yielded twice in one read').toBe(secondRead.length);
  // Only what lies beyond the persisted checkpoint is read again.
  const again = secondRead.filter((id) => firstRead.includes(id)).map((id) => orders[Number(id) - 1]!);
  if (resumeFrom !== undefined) for (const o of again) expect(timeOf(o)).toBeGreaterThan(Date.parse(resumeFrom));
  // No loss: every order of the listing is stored, each once (by id).
  expect([...stored.keys()].sort()).toEqual(expect.arrayContaining(wanted.map((o) => o.id)));
  expect(wanted.every((o) => stored.has(o.id))).toBe(true);
}

describe('one way to page', () => {
  it('WooCommerce pages: every order once per read, resumable from any persisted checkpoint', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, (s) => attack((orders, after) => wooPages(orders, s.perPage, after), s)),
      { numRuns: 400 },
    );
  });

  it('Shopify cursors: every order once per read, resumable from any persisted checkpoint', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, (s) => attack((orders, after) => shopifyPages(orders, s.shopifySizes, after), s)),
      { numRuns: 400 },
    );
  });

  it('a shop announcing more pages forever ends in a clear error, in every page shape', async () => {
    let reads = 0;
    const endless: Pages<unknown>[] = [
      keysetPages({ read: async () => ((reads++), { items: [{ id: '1', modifiedAt: new Date(T0).toISOString() }], more: true }), identify: (o) => ({ id: o.id, modifiedAt: o.modifiedAt }) }),
      cursorPages(async (cursor) => ((reads++), { items: [1], more: true, endCursor: `${cursor ?? ''}x`.slice(-8) })),
      // Behind a proxy that strips X-WP-TotalPages every full page says "one more".
      numberedPages(async (page) => ((reads++), { items: [page], totalPages: page + 1 })),
    ];
    for (const pages of endless) {
      reads = 0;
      await expect(collect(pages)).rejects.toThrow(/kept announcing more pages after 20,000 pages/);
      expect(reads).toBe(MAX_PAGES_PER_READ);
    }
  });

  it('chunk splits in order into groups of at most the size, and refuses a size below 1', () => {
    fc.assert(
      fc.property(fc.array(fc.integer()), fc.integer({ min: 1, max: 50 }), (items, size) => {
        const groups = chunk(items, size);
        expect(groups.flat()).toEqual(items);
        expect(groups.every((g) => g.length >= 1 && g.length <= size)).toBe(true);
        expect(groups.slice(0, -1).every((g) => g.length === size)).toBe(true);
      }),
      { numRuns: 300 },
    );
    expect(() => chunk([1], 0)).toThrow(/at least 1/);
    expect(() => chunk([1], 1.5)).toThrow(/whole number/);
  });
});
