// The contract for the repository members the API's handlers need (the last block of
// core/store/repositories.ts), run on every implementation by repositoryContract (contract.ts):
// stock at an instant, reorder points, the SKU count, where the store is and the keys.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LedgerPosition } from '../../core/model';
import type { Repositories, StockReason } from '../../core/store/repositories';
import { runsWith } from '../property/seed';
import type { ContractFactory } from './contract-subject';

const SKUS = ['MUG', 'TEE-M', 'tote'];
const LOCATIONS = ['Warehouse', 'Shop floor'];
/** The units' times: a unit's changes are all recorded at its instant. */
const INSTANTS = ['2026-11-01T08:00:00.000Z', '2026-11-01T08:00:00.001Z', '2026-11-15T23:59:59.999Z', '2026-11-16T00:00:00.000Z', '2026-12-01T12:00:00.000Z'];

type Op =
  | { kind: 'onHand'; sku: string; location: string; quantity: number }
  | { kind: 'commit'; order: string; combined: boolean; lines: Record<string, number> | null }
  | { kind: 'reorder'; sku: string; point: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('onHand' as const), sku: fc.constantFrom(...SKUS), location: fc.constantFrom(...LOCATIONS), quantity: fc.integer({ min: 0, max: 40 }) }),
  fc.record({
    kind: fc.constant('commit' as const), order: fc.constantFrom('Main#1', 'Main#2', 'Outlet#1'), combined: fc.boolean(),
    lines: fc.option(fc.dictionary(fc.constantFrom(...SKUS), fc.integer({ min: 1, max: 5 }), { minKeys: 1 }), { nil: null }),
  }),
  fc.record({ kind: fc.constant('reorder' as const), sku: fc.constantFrom(...SKUS), point: fc.integer({ min: 0, max: 9 }) }),
);
/** Units in time order, each at one of the instants (several units may share one). */
const unitsArb = fc.array(fc.record({ at: fc.constantFrom(...INSTANTS), ops: fc.array(opArb, { minLength: 1, maxLength: 5 }) }), { minLength: 1, maxLength: 6 })
  .map((units) => [...units].sort((a, b) => a.at.localeCompare(b.at)));

/** Positions replayed on a plain model from the units up to and including `instant`. */
function positionsAt(units: { at: string; ops: Op[] }[], instant: string): LedgerPosition[] {
  const onHand = new Map<string, number>();
  const held = new Map<string, { location: string | null; lines: Record<string, number> }>();
  const touched = new Map<string, LedgerPosition>();
  const position = (sku: string, location: string | null) => {
    const key = `${sku}\u0000${location ?? '*'}`;
    return touched.get(key) ?? touched.set(key, { sku, location, onHand: 0, committed: 0 }).get(key)!;
  };
  for (const unit of units) {
    if (unit.at > instant) break;
    for (const op of unit.ops) {
      if (op.kind === 'onHand') {
        const key = `${op.sku}\u0000${op.location}`;
        if ((onHand.get(key) ?? 0) !== op.quantity) position(op.sku, op.location).onHand += op.quantity - (onHand.get(key) ?? 0);
        onHand.set(key, op.quantity);
      } else if (op.kind === 'commit') {
        const next = op.lines && { location: op.combined ? null : 'Warehouse', lines: op.lines };
        const before = held.get(op.order);
        const deltas = new Map<string, { sku: string; location: string | null; delta: number }>();
        for (const [c, sign] of [[before, -1], [next, 1]] as const) {
          for (const [sku, qty] of Object.entries(c?.lines ?? {})) {
            const id = `${sku}\u0000${c!.location ?? '*'}`;
            const row = deltas.get(id) ?? deltas.set(id, { sku, location: c!.location, delta: 0 }).get(id)!;
            row.delta += sign * qty;
          }
        }
        for (const { sku, location, delta } of deltas.values()) if (delta !== 0) position(sku, location).committed += delta;
        if (next) held.set(op.order, next);
        else held.delete(op.order);
      }
    }
  }
  return [...touched.values()].sort((a, b) => a.sku.localeCompare(b.sku) || (a.location ?? '').localeCompare(b.location ?? ''));
}

function pointsAfter(units: { ops: Op[] }[]): Record<string, number> {
  const points: Record<string, number> = {};
  for (const op of units.flatMap((u) => u.ops)) {
    if (op.kind !== 'reorder') continue;
    if (op.point > 0) points[op.sku] = op.point;
    else delete points[op.sku];
  }
  return points;
}

async function write(repos: Repositories, units: { at: string; ops: Op[] }[]): Promise<void> {
  for (const unit of units) {
    const why: StockReason = { at: unit.at, cause: 'set' };
    await repos.write(async (w) => {
      for (const op of unit.ops) {
        if (op.kind === 'onHand') await w.stock.setOnHand(op.sku, op.location, op.quantity, why);
        else if (op.kind === 'commit') await w.stock.commit(op.order, op.lines && { location: op.combined ? null : 'Warehouse', lines: op.lines }, why);
        else await w.stock.setReorderPoint(op.sku, op.point);
      }
    });
  }
}

export function apiAdditionsContract(factory: ContractFactory): void {
  describe(`repository contract, the API's members: ${factory.name}`, () => {
    it('stock at an instant is every change up to and including it, the same after reopening; points and the SKU count read back', async () => {
      await fc.assert(
        fc.asyncProperty(unitsArb, async (units) => {
          const subject = await factory.create();
          const first = await subject.open();
          expect(await first.repos.stock.at(INSTANTS.at(-1)!)).toEqual([]);
          await write(first.repos, units);
          await first.close();
          const { repos, close } = await subject.open();
          try {
            for (const probe of ['2026-10-31T23:59:59.999Z', ...INSTANTS]) {
              expect(await repos.stock.at(probe), `stock at ${probe}`).toEqual(positionsAt(units, probe));
            }
            // Replayed to the end, the ledger gives the stock on hand and held now.
            const end = await repos.stock.at(INSTANTS.at(-1)!);
            for (const item of await repos.stock.items()) {
              for (const [location, quantity] of Object.entries(item.onHand)) {
                expect(end.find((p) => p.sku === item.sku && p.location === location)?.onHand ?? 0).toBe(quantity);
              }
            }
            for (const p of end) expect(p.committed).toBe(await repos.stock.committed(p.sku, p.location));
            expect(await repos.stock.reorderPoints()).toEqual(pointsAfter(units));
            expect(await repos.stock.skuCount()).toBe((await repos.stock.items()).length);
          } finally {
            await close();
          }
        }),
        runsWith(12),
      );
    }, 240_000);

    it('hands out copies of the reorder points, and names where it keeps the data', async () => {
      const subject = await factory.create();
      const { repos, close } = await subject.open();
      await repos.write((w) => w.stock.setReorderPoint('MUG', 3));
      (await repos.stock.reorderPoints()).MUG = 99;
      expect(await repos.stock.reorderPoints()).toEqual({ MUG: 3 });
      expect(await repos.stock.skuCount()).toBe(0);
      expect(repos.where).toMatch(/\S/);
      await close();
    });

    it('keeps shop and CRM keys by reference: set, read back after reopening, replaced, deleted', async () => {
      const subject = await factory.create();
      const first = await subject.open();
      const ref = `shop:contract-${Math.random().toString(36).slice(2)}`;
      expect(['keychain', 'file', 'database']).toContain(first.repos.secrets.kind);
      expect(await first.repos.secrets.get(ref)).toBeUndefined();
      await first.repos.secrets.set(ref, { key: 'ck_1', secret: 'cs_1' });
      await first.close();
      const { repos, close } = await subject.open();
      try {
        expect(await repos.secrets.get(ref)).toEqual({ key: 'ck_1', secret: 'cs_1' });
        await repos.secrets.set(ref, { key: 'ck_2' });
        expect(await repos.secrets.get(ref)).toEqual({ key: 'ck_2' });
        await repos.secrets.delete(ref);
        expect(await repos.secrets.get(ref)).toBeUndefined();
      } finally {
        await repos.secrets.delete(ref);
        await close();
      }
    });
  });
}
