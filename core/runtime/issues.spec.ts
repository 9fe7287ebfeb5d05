// Alert groups: every alert lands in exactly one group, counts add up, and one action dismisses a
// whole group. Checked over random alert sets, then on the 61-alert case a merchant actually saw.
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import type { Alert } from '../model';
import type { Store } from '../store';
import type { IssueReader, IssueWriter } from '../store/repositories';
import { forgetIssuesIn } from '../api/forget-issues';
import { dismissAlertGroup, groupAlerts } from './issues';

const instant = fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 0, 1) }).map((t) => new Date(t).toISOString());
const alert = fc.record({
  kind: fc.constantFrom('unknown-sku', 'skipped-status', 'stock-unmanaged', 'sku-missing', 'other'),
  shop: fc.constantFrom('Main', 'Second'),
  subject: fc.constantFrom('BLUE-M', 'RED-S', 'on-hold', 'GREEN-L', 'X 1'),
  count: fc.integer({ min: 1, max: 50 }),
  at: instant,
  dismissed: fc.boolean(),
});
const alerts = fc.uniqueArray(alert, { selector: (a) => `${a.kind}:${a.shop}:${a.subject}`, maxLength: 30 }).map((list) =>
  list.map((a, i): Alert => ({ id: `a${i}`, key: `${a.kind}:${a.shop}:${a.subject}`, source: { kind: 'shop', name: a.shop }, kind: a.kind, message: `about ${a.subject}`, count: a.count, firstAt: a.at, lastAt: a.at, dismissed: a.dismissed })));

function storeWith(list: Alert[]): Store {
  return { issues: { data: { schemaVersion: 1, errors: [], alerts: list } } } as unknown as Store;
}

describe('groupAlerts', () => {
  test.prop([alerts], { numRuns: 300 })('puts every alert in exactly one group of its kind and shop, and the counts add up', (list) => {
    const groups = groupAlerts(list);
    expect(groups.flatMap((g) => g.alerts.map((a) => a.id)).sort()).toEqual(list.map((a) => a.id).sort());
    for (const g of groups) {
      expect(new Set(g.alerts.map((a) => `${a.kind}|${a.source.name}`)).size).toBe(1);
      expect(g.count).toBe(g.alerts.reduce((n, a) => n + a.count, 0));
      expect(g.subjects.reduce((n, s) => n + s.count, 0)).toBe(g.count);
      expect(g.newest.lastAt).toBe(g.lastAt);
      expect(g.alerts.every((a) => a.lastAt <= g.lastAt)).toBe(true);
    }
    expect(new Set(groups.map((g) => g.id)).size).toBe(groups.length);
  });

  test.prop([alerts, fc.nat()], { numRuns: 200 })('one dismissal closes a whole group and nothing else', (list, pick) => {
    const groups = groupAlerts(list).filter((g) => !g.dismissed);
    fc.pre(groups.length > 0);
    const target = groups[pick % groups.length]!;
    const before = list.map((a) => ({ id: a.id, dismissed: a.dismissed }));
    dismissAlertGroup(storeWith(list), target.id);
    const inGroup = new Set(target.alerts.map((a) => a.id));
    for (const a of list) expect(a.dismissed).toBe(inGroup.has(a.id) || before.find((b) => b.id === a.id)!.dismissed);
  });

  it('reads 61 unknown-SKU alerts as one line with the most frequent SKUs', () => {
    const list: Alert[] = Array.from({ length: 61 }, (_, i) => ({
      id: `u${i}`, key: `unknown-sku:Main:SKU-${i % 5 === 0 ? 'BLUE-M' : i}`, source: { kind: 'shop', name: 'Main' }, kind: 'unknown-sku',
      message: `Order WO:${1000 + i} has SKU SKU-${i}, which is not in the catalogue`, count: 1, firstAt: '2026-03-01T10:00:00.000Z', lastAt: `2026-03-01T10:${String(i).padStart(2, '0')}:00.000Z`, dismissed: false,
    }));
    const groups = groupAlerts(list);
    expect(groups).toHaveLength(1);
    expect(groups[0]!.title).toMatch(/^61 order lines on Main name SKUs the catalogue does not have — SKU-BLUE-M ×13, /);
    expect(groups[0]!.title).toMatch(/and \d+ more$/);
    expect(groups[0]!.newest.id).toBe('u60');
  });

  it('forgets the errors and alerts of a removed shop only', async () => {
    const at = '2026-03-01T10:00:00.000Z';
    let alerts: Alert[] = [
      { id: 'a', key: 'unknown-sku:Gone:X', source: { kind: 'shop', name: 'Gone' }, kind: 'unknown-sku', message: 'x', count: 1, firstAt: at, lastAt: at, dismissed: false },
      { id: 'b', key: 'unknown-sku:Kept:X', source: { kind: 'shop', name: 'Kept' }, kind: 'unknown-sku', message: 'x', count: 1, firstAt: at, lastAt: at, dismissed: false },
    ];
    // The issue log of one unit, in memory: only the alerts matter here.
    const issues: IssueReader & IssueWriter = {
      errors: async () => [],
      alerts: async () => alerts.map((a) => ({ ...a })),
      putError: async () => undefined,
      removeError: async () => undefined,
      putAlert: async (alert) => void (alerts = [...alerts.filter((a) => a.key !== alert.key), alert]),
      removeAlert: async (key) => void (alerts = alerts.filter((a) => a.key !== key)),
    };
    await forgetIssuesIn(issues, { kind: 'shop', name: 'Gone' });
    expect(alerts.map((a) => a.id)).toEqual(['b']);
  });
});
