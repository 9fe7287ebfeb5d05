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
    const { repos } = ctx;
    const { shops, crms, locations } = await repos.settings.get();
    const [orderCounts, cursors, skus, errors, alerts] = await Promise.all([
      repos.orders.counts(),
      Promise.all(shops.map((s) => repos.cursors.of(s.name))),
      repos.stock.skuCount(),
      repos.issues.errors(),
      repos.issues.alerts(),
    ]);
    const health = await ctx.engine.health();
    return {
      dataDir: repos.where,
      via: ctx.via,
      engine: ctx.host ? { pid: ctx.host.pid, startedAt: ctx.host.startedAt, paused: ctx.engine.paused } : null,
      secrets: repos.secrets.kind,
      shops: shops.map((s, i) => ({
        name: s.name,
        platform: s.platform,
        prefix: s.prefix,
        location: s.location.kind === 'combined' ? 'all locations combined' : s.location.location,
        orders: orderCounts[s.name] ?? 0,
        lastRun: cursors[i]!.lastRun,
        health: health.shops[i]!,
      })),
      crms: crms.map((c, i) => ({ name: c.name, platform: c.platform, health: health.crms[i]! })),
      health,
      locations: locations.length,
      skus,
      errors: errors.filter((e) => !e.dismissed).length,
      alerts: alerts.filter((a) => !a.dismissed).length,
    };
  },
});
