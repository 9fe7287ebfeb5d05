// Property: the stock changes on the repositories (stock-changes.ts `…In`, one unit per step) leave,
// after any random history of sets, additions, commitments and reorder points, what a plain model of
// the rules says: on hand never below 0, the commitments as last set, a ledger whose entries add up
// to every figure, a low-stock mark exactly while free units are at or below the point after a
// change (one per fall), and an open alert for each mark.
import { fc, test } from '@fast-check/vitest';
import { afterAll, describe, expect } from 'vitest';
import { addOnHandIn, checkReorderPointIn, lowStockKey, replaceCommitmentIn, setOnHandIn } from '../../core/jobs/stock-changes';
import type { Commitment } from '../../core/model';
import { openStore, type Store } from '../../core/store';
import { jsonRepositories } from '../../core/store/json-repositories';
import { removeTempDirs, tempDir } from '../helpers';
import { runsWith } from './seed';

afterAll(removeTempDirs);

const SKUS = ['MUG', 'CAP'];
const LOCATIONS = ['A', 'B'];

type Step =
  | { kind: 'set'; sku: number; location: number; quantity: number }
  | { kind: 'add'; sku: number; location: number; delta: number }
  | { kind: 'commit'; order: number; location: number | null; lines: Record<string, number> | null }
  | { kind: 'point'; sku: number; point: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), sku: fc.nat(1), location: fc.nat(1), quantity: fc.nat(12) }),
  fc.record({ kind: fc.constant('add' as const), sku: fc.nat(1), location: fc.nat(1), delta: fc.integer({ min: -6, max: 6 }) }),
  fc.record({
    kind: fc.constant('commit' as const), order: fc.nat(2), location: fc.option(fc.nat(1), { nil: null }),
    lines: fc.option(fc.dictionary(fc.constantFrom(...SKUS), fc.integer({ min: 1, max: 5 }), { minKeys: 1 }), { nil: null }),
  }),
  fc.record({ kind: fc.constant('point' as const), sku: fc.nat(1), point: fc.nat(6) }),
);

/** The rules, plainly: figures in maps, the low-stock step after every change of a SKU. */
class Model {
  onHand = new Map<string, number>(); // `sku|location`
  commitments = new Map<string, Commitment>();
  points = new Map<string, number>();
  low = new Set<string>();
  alerts = new Set<string>();

  free(sku: string): number {
    let total = 0;
    for (const l of LOCATIONS) total += this.onHand.get(`${sku}|${l}`) ?? 0;
    for (const c of this.commitments.values()) total -= c.lines[sku] ?? 0; // every location is known, and null counts too
    return Math.max(0, total);
  }

  check(sku: string): void {
    const point = this.points.get(sku);
    if (!point) this.low.delete(sku);
    else if (this.free(sku) <= point) {
      if (!this.low.has(sku)) this.alerts.add(lowStockKey(sku));
      this.low.add(sku);
    } else if (this.low.has(sku)) {
      this.low.delete(sku);
      this.alerts.delete(lowStockKey(sku));
    }
  }

  set(sku: string, location: string, quantity: number): void {
    const before = this.onHand.get(`${sku}|${location}`) ?? 0;
    this.onHand.set(`${sku}|${location}`, quantity);
    if (before !== quantity) this.check(sku);
  }

  commit(key: string, next: Commitment | null): void {
    const held = (c: Commitment | undefined | null, sku: string) => (c?.lines[sku] ?? 0);
    const before = this.commitments.get(key);
    if (next) this.commitments.set(key, next);
    else this.commitments.delete(key);
    for (const sku of SKUS) if (held(before, sku) !== held(next, sku) || (held(next, sku) && before?.location !== next?.location)) this.check(sku);
  }
}

async function fresh(prefix: string): Promise<Store> {
  const store = await openStore(await tempDir(prefix));
  store.main.data.locations = LOCATIONS.map((name) => ({ name, addedAt: '2026-01-01T00:00:00.000Z' }));
  return store;
}

describe('stock changes on the repositories follow the rules', () => {
  test.prop([fc.array(step, { minLength: 1, maxLength: 25 })], runsWith(40))('stock, ledger, marks and alerts after any history', async (steps) => {
    const store = await fresh('br-forms-repos-');
    const repos = jsonRepositories(store);
    const model = new Model();
    try {
      for (const [n, s] of steps.entries()) {
        const why = { at: new Date(Date.UTC(2026, 4, 1, 8, n)), cause: 'set' as const, ref: `step ${n}` };
        if (s.kind === 'set') {
          model.set(SKUS[s.sku]!, LOCATIONS[s.location]!, s.quantity);
          await repos.write((w) => setOnHandIn(w, SKUS[s.sku]!, LOCATIONS[s.location]!, s.quantity, why));
        } else if (s.kind === 'add') {
          const key = `${SKUS[s.sku]!}|${LOCATIONS[s.location]!}`;
          model.set(SKUS[s.sku]!, LOCATIONS[s.location]!, Math.max(0, (model.onHand.get(key) ?? 0) + s.delta));
          await repos.write((w) => addOnHandIn(w, SKUS[s.sku]!, LOCATIONS[s.location]!, s.delta, why));
        } else if (s.kind === 'commit') {
          const next = s.lines && { location: s.location === null ? null : LOCATIONS[s.location]!, lines: s.lines };
          model.commit(`Main#${s.order}`, next);
          await repos.write((w) => replaceCommitmentIn(w, `Main#${s.order}`, next, { ...why, cause: 'order' }));
        } else {
          const sku = SKUS[s.sku]!;
          if (s.point > 0) model.points.set(sku, s.point);
          else model.points.delete(sku);
          model.check(sku);
          await repos.write(async (w) => {
            await w.stock.setReorderPoint(sku, s.point);
            await checkReorderPointIn(w, sku, why.at);
          });
        }
        const at = `after step ${n} (${JSON.stringify(s)})`;
        const onHand = new Map<string, number>();
        for (const item of await repos.stock.items()) for (const [l, q] of Object.entries(item.onHand)) onHand.set(`${item.sku}|${l}`, q);
        expect(onHand, at).toEqual(new Map([...model.onHand].filter(([k]) => onHand.has(k) || model.onHand.get(k) !== 0)));
        expect(await repos.stock.commitments(), at).toEqual(Object.fromEntries(model.commitments));
        for (const sku of SKUS) {
          expect(await repos.stock.lowSince(sku) !== undefined, `${at}: ${sku} marked low`).toBe(model.low.has(sku));
          expect(await repos.stock.freeUnits(sku), `${at}: ${sku} free`).toBe(model.free(sku));
          // Every figure is the sum of its ledger entries, and each entry's `after` is the running sum.
          const sums = new Map<string, number>();
          for (const e of await repos.stock.history(sku)) {
            const k = `${e.measure}|${e.location ?? ''}`;
            sums.set(k, (sums.get(k) ?? 0) + e.delta);
            expect(e.after, `${at}: ${sku} ledger`).toBe(sums.get(k));
          }
          for (const l of LOCATIONS) expect(sums.get(`onHand|${l}`) ?? 0, `${at}: ${sku} at ${l}`).toBe(model.onHand.get(`${sku}|${l}`) ?? 0);
          for (const l of [...LOCATIONS, null]) {
            let held = 0;
            for (const c of model.commitments.values()) if (c.location === l) held += c.lines[sku] ?? 0;
            expect(sums.get(`committed|${l ?? ''}`) ?? 0, `${at}: ${sku} held at ${l}`).toBe(held);
          }
        }
        const open = (await repos.issues.alerts()).filter((a) => a.kind === 'low-stock' && !a.dismissed).map((a) => a.key);
        expect(new Set(open), at).toEqual(model.alerts);
      }
    } finally {
      await store.flush();
    }
  });
});
