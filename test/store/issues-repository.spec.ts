// The issue log through the repositories records exactly what it records on the open Store: the
// same failures, clears and raises, in any order, leave the same errors and alerts (ids aside,
// which are random), and those survive a reopen.
import fc from 'fast-check';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Alert, ErrorEntry } from '../../core/model';
import { clearErrorIn, operationKey, raiseAlert, raiseAlertIn, recordError, recordErrorIn } from '../../core/runtime/issues';
import type { Store } from '../../core/store';
import { openStore } from '../../core/store';
import { jsonRepositories } from '../../core/store/json-repositories';
import { runsWith } from '../property/seed';
import { removeTempDirs, tempDir } from '../helpers';

afterAll(removeTempDirs);

type Step =
  | { kind: 'fail'; shop: string; page: number; message: string }
  | { kind: 'clear'; shop: string; page: number }
  | { kind: 'raise'; subject: string; message: string; count: number }
  | { kind: 'dismiss'; subject: string };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('fail' as const), shop: fc.constantFrom('Main', 'Outlet'), page: fc.integer({ min: 1, max: 3 }), message: fc.constantFrom('HTTP 503', 'timed out') }),
  fc.record({ kind: fc.constant('clear' as const), shop: fc.constantFrom('Main', 'Outlet'), page: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ kind: fc.constant('raise' as const), subject: fc.constantFrom('BLUE-M', 'RED-S'), message: fc.constantFrom('one', 'other'), count: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ kind: fc.constant('dismiss' as const), subject: fc.constantFrom('BLUE-M', 'RED-S') }),
);

const operation = (shop: string, page: number) => ({ kind: 'orders.pull', args: { shop, page } });
const source = (shop: string) => ({ kind: 'shop' as const, name: shop });
const alertKey = (subject: string) => `unknown-sku:Main:${subject}`;
const withoutIds = (list: Array<ErrorEntry | Alert>) => list.map(({ id: _id, ...rest }) => rest);

/** The reference for a clear: every error of the operation goes; true when one did. */
function clearPlain(plain: Store, op: ReturnType<typeof operation>): boolean {
  const before = plain.issues.data.errors.length;
  plain.issues.data.errors = plain.issues.data.errors.filter((e) => operationKey(e.operation) !== operationKey(op));
  return plain.issues.data.errors.length !== before;
}

describe('the issue log through the repositories', () => {
  it('records, clears and raises as the issue log on the Store does', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 25 }), async (steps) => {
        const root = await tempDir('br-issues-');
        const plain = await openStore(join(root, 'plain'));
        const dir = join(root, 'repos');
        const store = await openStore(dir);
        const repos = jsonRepositories(store);
        for (const [i, step] of steps.entries()) {
          const now = new Date(Date.UTC(2026, 10, 20, 8, i));
          if (step.kind === 'fail') {
            const input = { source: source(step.shop), operation: operation(step.shop, step.page), object: `page ${step.page}`, message: step.message };
            recordError(plain, now, input);
            await repos.write((w) => recordErrorIn(w.issues, now, input));
          } else if (step.kind === 'clear') {
            const cleared = clearPlain(plain, operation(step.shop, step.page));
            expect(await repos.write((w) => clearErrorIn(w.issues, operation(step.shop, step.page)))).toBe(cleared);
          } else if (step.kind === 'raise') {
            const input = { key: alertKey(step.subject), source: source('Main'), kind: 'unknown-sku' as const, message: step.message, count: step.count };
            raiseAlert(plain, now, input);
            await repos.write((w) => raiseAlertIn(w.issues, now, input));
          } else {
            for (const a of plain.issues.data.alerts) if (a.key === alertKey(step.subject)) a.dismissed = true;
            await repos.write(async (w) => {
              for (const a of await w.issues.alerts()) if (a.key === alertKey(step.subject)) await w.issues.putAlert({ ...a, dismissed: true });
            });
          }
        }
        await store.flush();
        const again = jsonRepositories(await openStore(dir));
        expect(withoutIds(await again.issues.errors())).toEqual(withoutIds(plain.issues.data.errors));
        expect(withoutIds(await again.issues.alerts())).toEqual(withoutIds(plain.issues.data.alerts));
      }),
      runsWith(40),
    );
  }, 120_000);
});
