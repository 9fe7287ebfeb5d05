// The dashboard's NEXT column says when each job runs next. A planned run whose time has come is
// starting or running (the plan moves on when it finishes): it must never read "10s ago".
import { describe, expect, it } from 'vitest';
import { connectionRows, type DashboardData } from '../screens/dashboard';
import { seededEngine } from './render';

const tui = seededEngine();

async function dashboardWith(nextAt: Date): Promise<DashboardData> {
  const [status, engine, errors] = await Promise.all([tui.host.client.call('status'), tui.host.client.call('engine.state'), tui.host.client.call('errors.list')]);
  return { status, errors, engine: { ...engine, nextRuns: [{ job: 'orders', target: 'Main shop', at: nextAt.toISOString() }] } };
}

const NEXT = 6;

describe('TUI dashboard NEXT column', () => {
  it('an order pull planned 10 s ahead reads "in 10s"', async () => {
    const now = new Date();
    const rows = connectionRows(await dashboardWith(new Date(now.getTime() + 10_000)), now);
    expect(rows.find((r) => r[4] === 'orders')![NEXT]).toBe('in 10s');
  });

  it('an order pull whose planned time passed 10 s ago reads "due now", never "ago"', async () => {
    const now = new Date();
    const rows = connectionRows(await dashboardWith(new Date(now.getTime() - 10_000)), now);
    const next = rows.find((r) => r[4] === 'orders')![NEXT]!;
    expect(next).not.toMatch(/ago/);
    expect(next).toBe('due now');
  });
});
