// The contract of the member the API's chart recorder needs (repositories.ts, the block "what the
// API's glue needs"): every stock SKU's total on hand and free units, on any store implementation.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { totalOnHand } from '../../core/model';
import type { StockReason } from '../../core/store/repositories';
import { runsWith } from '../property/seed';
import type { ContractFactory } from './contract-subject';

const SKUS = ['MUG', 'TEE-M'];
const LOCATIONS = ['Warehouse', 'Shop floor'];
const why: StockReason = { at: '2026-11-20T09:00:00.000Z', cause: 'set' };

type Op =
  | { kind: 'onHand'; sku: string; location: string; quantity: number }
  // 'Attic' is no location of the settings: what orders hold there still counts against the total.
  | { kind: 'commit'; order: string; location: string | null; lines: Record<string, number> | null };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('onHand' as const), sku: fc.constantFrom(...SKUS), location: fc.constantFrom(...LOCATIONS), quantity: fc.integer({ min: 0, max: 20 }) }),
  fc.record({
    kind: fc.constant('commit' as const), order: fc.constantFrom('Main#1', 'Main#2', 'Outlet#1'), location: fc.constantFrom(null, 'Attic', ...LOCATIONS),
    lines: fc.option(fc.dictionary(fc.constantFrom(...SKUS, 'GONE'), fc.integer({ min: 1, max: 9 }), { minKeys: 1 }), { nil: null }),
  }),
);

export function glueAdditionsContract(factory: ContractFactory): void {
  describe(`repository contract, the chart recorder's member: ${factory.name}`, () => {
    it('totals: every stock SKU on hand and on hand less all it holds, the same after reopening', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.array(opArb, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 4 }), async (units) => {
          const subject = await factory.create();
          const first = await subject.open();
          await first.repos.write((w) => w.settings.update({ locations: LOCATIONS.map((name) => ({ name, addedAt: why.at })) }));
          for (const ops of units) {
            await first.repos.write(async (w) => {
              for (const op of ops) {
                if (op.kind === 'onHand') await w.stock.setOnHand(op.sku, op.location, op.quantity, why);
                else await w.stock.commit(op.order, op.lines && { location: op.location, lines: op.lines }, why);
              }
            });
          }
          await first.close();
          const { repos, close } = await subject.open();
          try {
            const commitments = Object.values(await repos.stock.commitments());
            const expected = new Map((await repos.stock.items()).map((item) => {
              const held = commitments.reduce((sum, c) => sum + (c.lines[item.sku] ?? 0), 0);
              return [item.sku, { onHand: totalOnHand(item), free: totalOnHand(item) - held }] as const;
            }));
            expect(await repos.stock.totals()).toEqual(expected);
          } finally {
            await close();
          }
        }),
        runsWith(10),
      );
    }, 240_000);
  });
}
