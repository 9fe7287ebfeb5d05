// Property: the stock changes on the repositories (stock-changes.ts `…In`, one unit per step) and on
// the open Store (the forms kept for callers not yet moved) leave the same stock, the same ledger,
// the same low-stock marks and the same alerts, after any random history of sets, additions,
// commitments and reorder points — so the low-stock rule and the ledger rules live in one place.
import { fc, test } from '@fast-check/vitest';
import { afterAll, describe, expect } from 'vitest';
import { addOnHand, addOnHandIn, checkReorderPoint, checkReorderPointIn, replaceCommitment, replaceCommitmentIn, setOnHand, setOnHandIn } from '../../core/jobs/stock-changes';
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

async function fresh(prefix: string): Promise<Store> {
  const store = await openStore(await tempDir(prefix));
  store.main.data.locations = LOCATIONS.map((name) => ({ name, addedAt: '2026-01-01T00:00:00.000Z' }));
  return store;
}

/** What both forms must agree on: ids and numbering aside, everything they wrote. */
async function state(store: Store) {
  const history = [];
  for (const sku of SKUS) history.push(...(await store.ledger.history(sku)).map(({ seq: _seq, ...e }) => e));
  const { items, commitments, extras } = store.stock.data;
  return { items, commitments, low: extras?.low ?? {}, history, alerts: store.issues.data.alerts.map(({ id: _id, ...a }) => a) };
}

describe('stock changes: the repository forms and the Store forms agree', () => {
  test.prop([fc.array(step, { minLength: 1, maxLength: 25 })], runsWith(40))('same stock, ledger, marks and alerts after any history', async (steps) => {
    const old = await fresh('br-forms-store-');
    const store = await fresh('br-forms-repos-');
    const repos = jsonRepositories(store);
    try {
      for (const [n, s] of steps.entries()) {
        const why = { at: new Date(Date.UTC(2026, 4, 1, 8, n)), cause: 'set' as const, ref: `step ${n}` };
        if (s.kind === 'set') {
          setOnHand(old, SKUS[s.sku]!, LOCATIONS[s.location]!, s.quantity, why);
          await repos.write((w) => setOnHandIn(w, SKUS[s.sku]!, LOCATIONS[s.location]!, s.quantity, why));
        } else if (s.kind === 'add') {
          addOnHand(old, SKUS[s.sku]!, LOCATIONS[s.location]!, s.delta, why);
          await repos.write((w) => addOnHandIn(w, SKUS[s.sku]!, LOCATIONS[s.location]!, s.delta, why));
        } else if (s.kind === 'commit') {
          const next = s.lines && { location: s.location === null ? null : LOCATIONS[s.location]!, lines: s.lines };
          replaceCommitment(old, `Main#${s.order}`, next, { ...why, cause: 'order' });
          await repos.write((w) => replaceCommitmentIn(w, `Main#${s.order}`, next, { ...why, cause: 'order' }));
        } else {
          const sku = SKUS[s.sku]!;
          const extras = (old.stock.data.extras ??= { reorderPoints: {}, low: {}, returns: {} });
          if (s.point > 0) extras.reorderPoints[sku] = s.point;
          else delete extras.reorderPoints[sku];
          checkReorderPoint(old, sku, why.at);
          await repos.write(async (w) => {
            await w.stock.setReorderPoint(sku, s.point);
            await checkReorderPointIn(w, sku, why.at);
          });
        }
        expect(await state(store), `after step ${n} (${JSON.stringify(s)})`).toEqual(await state(old));
      }
    } finally {
      await Promise.all([old.flush(), store.flush()]);
    }
  });
});
