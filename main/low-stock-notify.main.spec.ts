// Low-stock desktop notifications, without Electron: which alerts notify (low stock, not dismissed),
// each crossing once, what was already low when the app started as one summary, a burst as one
// summary, and a click opening the window. The notifier is a fake behind the factory main.ts fills
// with Electron's Notification.
import { describe, expect, it } from 'vitest';
import { createLowStockNotifications, type DesktopNotification, type LowStockAlertView } from './low-stock-notify.main';

const STARTED = new Date('2026-12-01T10:00:00Z');

function world(initial: LowStockAlertView[] = [], supported = true) {
  let alerts = initial;
  let listener: () => void = () => undefined;
  const shown: DesktopNotification[] = [];
  const clicks: (() => void)[] = [];
  let factoryCalls = 0;
  let opened = 0;
  const notes = createLowStockNotifications({
    fetchAlerts: async () => alerts,
    onChanged: (l) => {
      listener = l;
      return () => (listener = () => undefined);
    },
    createNotifier: () => {
      factoryCalls++;
      return supported ? { show: (n, onClick) => (shown.push(n), clicks.push(onClick)) } : null;
    },
    openWindow: () => opened++,
    startedAt: STARTED,
  });
  return {
    notes,
    shown,
    clicks,
    set: (next: LowStockAlertView[]) => (alerts = next),
    change: async () => {
      listener();
      await notes.idle();
    },
    factoryCalls: () => factoryCalls,
    opened: () => opened,
  };
}

const low = (sku: string, id: string, firstAt: string, dismissed = false): LowStockAlertView => ({
  id,
  key: `low-stock:backroom:${sku}`,
  kind: 'low-stock',
  message: `${sku} is low: 2 left to sell, at or below its reorder point of 5. Reorder, or change the point with backroom stock reorder-point ${sku} N.`,
  firstAt,
  dismissed,
});

describe('low-stock desktop notifications', () => {
  it('tells what was already low at start as one summary, then each new crossing once', async () => {
    const w = world([low('MUG', 'a1', '2026-11-30T09:00:00Z'), low('CAP', 'a2', '2026-11-30T09:30:00Z')]);
    await w.notes.idle();
    expect(w.shown).toEqual([{ title: '2 SKUs are low on stock', body: 'MUG, CAP: at or below their reorder points.' }]);

    // A new crossing, seen twice (two change events), and an alert of another kind: one notification.
    w.set([low('MUG', 'a1', '2026-11-30T09:00:00Z'), low('CAP', 'a2', '2026-11-30T09:30:00Z'), low('TEE', 'a3', '2026-12-01T10:05:00Z'), { id: 'u1', key: 'unknown-sku:Main:X', kind: 'unknown-sku', message: 'x', firstAt: '2026-12-01T10:05:00Z', dismissed: false }]);
    await w.change();
    await w.change();
    expect(w.shown.slice(1)).toEqual([{ title: 'TEE is low on stock', body: expect.stringContaining('TEE is low: 2 left to sell') }]);

    // TEE recovers (its alert goes), then falls again: a new alert, a new notification.
    w.set([low('MUG', 'a1', '2026-11-30T09:00:00Z')]);
    await w.change();
    w.set([low('MUG', 'a1', '2026-11-30T09:00:00Z'), low('TEE', 'a4', '2026-12-01T11:00:00Z')]);
    await w.change();
    expect(w.shown.map((n) => n.title)).toEqual(['2 SKUs are low on stock', 'TEE is low on stock', 'TEE is low on stock']);
    expect(w.factoryCalls()).toBe(1);
  });

  it('never notifies a dismissed alert, folds a burst into one summary, and a click opens the window', async () => {
    const w = world([]);
    await w.notes.idle();
    expect(w.shown).toEqual([]);
    w.set([low('A', 'b0', '2026-12-01T10:01:00Z', true)]);
    await w.change();
    expect(w.shown).toEqual([]);
    const burst = ['A', 'B', 'C', 'D', 'E'].map((s, i) => low(s, `b${i + 1}`, '2026-12-01T10:02:00Z'));
    w.set(burst);
    await w.change();
    expect(w.shown).toEqual([{ title: '5 SKUs are low on stock', body: 'A, B, C and 2 more: at or below their reorder points.' }]);
    w.clicks[0]!();
    expect(w.opened()).toBe(1);
  });

  it('asks nothing of a system without notifications, and keeps going after a failed read', async () => {
    const w = world([low('MUG', 'a1', '2026-12-01T10:01:00Z')], false);
    await w.notes.idle();
    expect(w.shown).toEqual([]);
    let failing = true;
    const v = createLowStockNotifications({
      fetchAlerts: async () => {
        if (failing) throw new Error('engine gone');
        return [low('MUG', 'c1', '2026-12-01T10:01:00Z')];
      },
      onChanged: () => () => undefined,
      createNotifier: () => ({ show: (n) => w.shown.push(n) }),
      openWindow: () => undefined,
      startedAt: STARTED,
    });
    await v.idle();
    failing = false;
    await v.check();
    expect(w.shown.map((n) => n.title)).toEqual(['MUG is low on stock']);
    v.stop();
  });
});
