import type { Command } from 'commander';
import { action, type CliDeps } from '../context';
import { localTime, table } from '../output';
import type { StatusReport, TargetHealth } from '../../core/api/namespaces/status';
import { HEALTH_LABEL } from '../../core/engine/health';

const healthCell = (h: TargetHealth) => HEALTH_LABEL[h.state];

export function formatStatus(s: StatusReport, timeZone?: string): string {
  const lines = [
    `Backroom data: ${s.dataDir}`,
    s.engine ? `Engine: running (pid ${s.engine.pid}, since ${localTime(s.engine.startedAt, timeZone)}${s.engine.paused ? ', paused' : ''})` : 'Engine: not running (this command opened the data directly)',
    `Credentials kept in: ${s.secrets === 'keychain' ? 'the OS keychain' : s.secrets === 'database' ? 'the database, encrypted with the store key' : 'a file readable only by you (secrets.json)'}`,
    `Health: ${HEALTH_LABEL[s.health.overall]} — ${s.health.reason}`,
    `Locations: ${s.locations}   SKUs: ${s.skus}   Open errors: ${s.errors}   Alerts: ${s.alerts}`,
  ];
  if (s.shops.length) {
    lines.push('', table(['SHOP', 'PLATFORM', 'PREFIX', 'STOCK FROM', 'ORDERS', 'HEALTH', 'LAST SUCCESS', 'WHY'],
      s.shops.map((x) => [x.name, x.platform, x.prefix, x.location, x.orders, healthCell(x.health), localTime(x.health.lastSuccessAt, timeZone), x.health.reason])));
  } else {
    lines.push('', 'No shops yet. Add one: backroom shop add woocommerce --name "My shop" --url https://… --key ck_… --secret cs_…');
  }
  if (s.crms.length) {
    lines.push('', table(['CRM', 'PLATFORM', 'HEALTH', 'LAST SUCCESS', 'WHY'], s.crms.map((c) => [c.name, c.platform, healthCell(c.health), localTime(c.health.lastSuccessAt, timeZone), c.health.reason])));
  }
  return lines.join('\n');
}

export function registerSystem(program: Command, deps: CliDeps): void {
  program
    .command('init')
    .description('create the data directory and an empty store (safe to run again)')
    .action(action(deps, async ({ api, print, dataDir }) => {
      const status = await (await api()).call('status');
      print.result({ dataDir, created: true, status }, () => `Backroom is ready. Data directory: ${dataDir}`);
    }));

  program
    .command('status')
    .description('show the health of each shop and CRM, stock, errors and whether an engine is running')
    .action(action(deps, async ({ api, print }) => {
      const status = await (await api()).call('status');
      print.result(status, () => formatStatus(status));
    }));
}
