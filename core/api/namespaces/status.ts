// `status`: the one-look answer the tray, the window, the terminal UI and `backroom status` show.
import { z } from 'zod';
import type { Health, TargetHealth } from '../../engine/health';
import { method } from '../define';
import { namespace } from '../namespace';

export interface StatusReport {
  dataDir: string;
  /** `engine`: answered by a running engine; `direct`: this process opened the store itself. */
  via: 'engine' | 'direct';
  engine: { pid: number; startedAt: string; paused: boolean } | null;
  secrets: 'keychain' | 'file' | 'database';
  shops: { name: string; platform: string; prefix: string; location: string; orders: number; lastRun: Record<string, string>; health: TargetHealth }[];
  crms: { name: string; platform: string; health: TargetHealth }[];
  /** Every shop and CRM in one word with the reason (the tray, the window, the TUI and `status` show this). */
  health: Health;
  locations: number;
  skus: number;
  errors: number;
  alerts: number;
}
export type { Health, TargetHealth };

const contract = {
  status: method<StatusReport>()(z.object({}).strict()),
};

export const status = namespace(contract, {
  async status(_params, ctx) {
    const { main, stock, issues } = ctx.store;
    const health = ctx.engine.health();
    return {
      dataDir: ctx.store.dataDir,
      via: ctx.via,
      engine: ctx.host ? { pid: ctx.host.pid, startedAt: ctx.host.startedAt, paused: ctx.engine.paused } : null,
      secrets: ctx.store.secrets.kind,
      shops: main.data.shops.map((s, i) => ({
        name: s.name,
        platform: s.platform,
        prefix: s.prefix,
        location: s.location.kind === 'combined' ? 'all locations combined' : s.location.location,
        orders: ctx.store.cursors.orderCount(s.name),
        lastRun: ctx.store.cursors.of(s.name).lastRun,
        health: health.shops[i]!,
      })),
      crms: main.data.crms.map((c, i) => ({ name: c.name, platform: c.platform, health: health.crms[i]! })),
      health,
      locations: main.data.locations.length,
      skus: Object.keys(stock.data.items).length,
      errors: issues.data.errors.filter((e) => !e.dismissed).length,
      alerts: issues.data.alerts.filter((a) => !a.dismissed).length,
    };
  },
});
