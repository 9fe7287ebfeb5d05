// The contract for the repository members the stock jobs need (the block "what the stock jobs need"
// at the end of core/store/repositories.ts), run on every implementation by repositoryContract
// (contract.ts): free units as the availability rule gives them, which SKUs are stocked, low-stock
// marks, the ledger by time range, and order months oldest first.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { freeUnitsAt, indexCommitments, totalOnHand, type LedgerEntry, type LocationMapping, type Order, type StockItem } from '../../core/model';
import type { Repositories, StockReason } from '../../core/store/repositories';
import { runsWith } from '../property/seed';
import type { ContractFactory } from './contract-subject';

const SKUS = ['MUG', 'TEE-M', 'tote'];
const LOCATIONS = ['Warehouse', 'Shop floor'];
const INSTANTS = ['2026-11-01T08:00:00.000Z', '2026-11-15T23:59:59.999Z', '2026-12-01T12:00:00.000Z'];
const SOURCES: LocationMapping[] = [{ kind: 'combined' }, { kind: 'location', location: 'Warehouse' }, { kind: 'location', location: 'Shop floor' }, { kind: 'location', location: 'Attic' }];

type Op =
  | { kind: 'onHand'; sku: string; location: string; quantity: number }
  | { kind: 'commit'; order: string; location: string | null; lines: Record<string, number> | null };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('onHand' as const), sku: fc.constantFrom(...SKUS), location: fc.constantFrom(...LOCATIONS), quantity: fc.integer({ min: 0, max: 40 }) }),
  fc.record({
    kind: fc.constant('commit' as const), order: fc.constantFrom('Main#1', 'Main#2', 'Outlet#1'), location: fc.constantFrom(null, ...LOCATIONS),
    lines: fc.option(fc.dictionary(fc.constantFrom(...SKUS), fc.integer({ min: 1, max: 9 }), { minKeys: 1 }), { nil: null }),
  }),
);
const unitsArb = fc.array(fc.record({ at: fc.constantFrom(...INSTANTS), ops: fc.array(opArb, { minLength: 1, maxLength: 5 }) }), { minLength: 1, maxLength: 6 })
  .map((units) => [...units].sort((a, b) => a.at.localeCompare(b.at)));

async function write(repos: Repositories, units: { at: string; ops: Op[] }[]): Promise<void> {
  await repos.write((w) => w.settings.update({ locations: LOCATIONS.map((name) => ({ name, addedAt: INSTANTS[0]! })) }));
  for (const unit of units) {
    const why: StockReason = { at: unit.at, cause: 'set' };
    await repos.write(async (w) => {
      for (const op of unit.ops) {
        if (op.kind === 'onHand') await w.stock.setOnHand(op.sku, op.location, op.quantity, why);
        else await w.stock.commit(op.order, op.lines && { location: op.location, lines: op.lines }, why);
      }
    });
  }
}

function order(remoteId: string, createdAt: string): Order {
  return {
    shop: 'Main', remoteId, number: `MA:${remoteId}`, remoteNumber: remoteId, status: 'processing', currency: 'EUR', total: '10.00',
    customer: { email: `c${remoteId}@example.com`, firstName: 'Ada', lastName: 'Okafor', phone: '', company: '' },
    lines: [], meta: {}, createdAt, modifiedAt: createdAt, importedAt: createdAt, fulfilment: 'unfulfilled', shipments: [],
  };
}

export function stockJobsContract(factory: ContractFactory): void {
  describe(`repository contract, the stock jobs' members: ${factory.name}`, () => {
    it('free units at every source and overall are the availability rule on the stock and commitments read back, the same after reopening', async () => {
      await fc.assert(
        fc.asyncProperty(unitsArb, async (units) => {
          const subject = await factory.create();
          const first = await subject.open();
          await write(first.repos, units);
          await first.close();
          const { repos, close } = await subject.open();
          try {
            const items: Record<string, StockItem> = Object.fromEntries((await repos.stock.items()).map((i) => [i.sku, i]));
            const index = indexCommitments(await repos.stock.commitments());
            for (const source of SOURCES) expect(await repos.stock.freeAt(source), JSON.stringify(source)).toEqual(freeUnitsAt(items, source, index));
            for (const sku of SKUS) {
              let held = index.byLocation.get(null)?.get(sku) ?? 0;
              for (const location of LOCATIONS) held += index.byLocation.get(location)?.get(sku) ?? 0;
              expect(await repos.stock.freeUnits(sku), sku).toBe(Math.max(0, totalOnHand(items[sku]) - held));
            }
            expect(await repos.stock.stocked([...SKUS, 'NOPE', 'MUG'])).toEqual(new Set(Object.keys(items)));
            // The ledger by range is every SKU's history within it, oldest first.
            const history: LedgerEntry[] = [];
            for (const sku of SKUS) history.push(...(await repos.stock.history(sku)));
            history.sort((a, b) => a.seq - b.seq);
            const range = { from: INSTANTS[1], to: INSTANTS[1] };
            const read: LedgerEntry[] = [];
            for await (const e of repos.stock.ledgerEntries(range)) read.push(e);
            expect(read).toEqual(history.filter((e) => e.at >= range.from! && e.at <= range.to!));
            const all: LedgerEntry[] = [];
            for await (const e of repos.stock.ledgerEntries({})) all.push(e);
            expect(all).toEqual(history);
          } finally {
            await close();
          }
        }),
        runsWith(10),
      );
    }, 240_000);

    it('keeps a low-stock mark per SKU: set in a unit, read back after reopening, cleared', async () => {
      const subject = await factory.create();
      const first = await subject.open();
      expect(await first.repos.stock.lowSince('MUG')).toBeUndefined();
      await first.repos.write(async (w) => {
        await w.stock.setLowSince('MUG', INSTANTS[0]!);
        await w.stock.setLowSince('TEE-M', INSTANTS[1]!);
        expect(await w.stock.lowSince('MUG')).toBe(INSTANTS[0]);
      });
      await first.close();
      const again = await subject.open();
      expect(await again.repos.stock.lowSince('MUG')).toBe(INSTANTS[0]);
      await again.repos.write((w) => w.stock.setLowSince('MUG', null));
      expect(await again.repos.stock.lowSince('MUG')).toBeUndefined();
      expect(await again.repos.stock.lowSince('TEE-M')).toBe(INSTANTS[1]);
      await again.close();
    });

    it('reads order months oldest first, each month as byMonth has it', async () => {
      const subject = await factory.create();
      const { repos, close } = await subject.open();
      await repos.write(async (w) => {
        for (const [id, at] of [['1', '2026-11-03T08:00:00.000Z'], ['2', '2026-09-01T08:00:00.000Z'], ['3', '2026-11-01T08:00:00.000Z'], ['4', '2026-10-09T08:00:00.000Z']] as const) await w.orders.put(order(id, at));
      });
      const newestFirst: Order[][] = [];
      for await (const month of repos.orders.byMonth()) newestFirst.push(month);
      const oldestFirst: Order[][] = [];
      for await (const month of repos.orders.byMonthOldestFirst()) oldestFirst.push(month);
      const ids = (months: Order[][]) => months.map((m) => m.map((o) => o.remoteId).sort());
      expect(ids(oldestFirst)).toEqual([['2'], ['4'], ['1', '3']]);
      expect(ids(oldestFirst)).toEqual(ids(newestFirst.reverse()));
      await close();
    });
  });
}
