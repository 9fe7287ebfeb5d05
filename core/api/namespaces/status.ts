import type { Handler } from '../server';

export const statusHandlers: { status: Handler<'status'> } = {
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
};
