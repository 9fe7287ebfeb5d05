import type { Command } from 'commander';
import { action, type CliDeps } from '../context';
import { table } from '../output';
import type { StatusReport } from '../../core/api/views';

export function formatStatus(s: StatusReport): string {
  const lines = [
    `Backroom data: ${s.dataDir}`,
    s.engine ? `Engine: running (pid ${s.engine.pid}, since ${s.engine.startedAt}${s.engine.paused ? ', paused' : ''})` : 'Engine: not running (this command opened the data directly)',
    `Credentials kept in: ${s.secrets === 'keychain' ? 'the OS keychain' : 'a file readable only by you (secrets.json)'}`,
    `Locations: ${s.locations}   SKUs: ${s.skus}   Open errors: ${s.errors}   Alerts: ${s.alerts}`,
  ];
  if (s.shops.length) {
    lines.push('', table(['SHOP', 'PLATFORM', 'PREFIX', 'STOCK FROM', 'ORDERS', 'LAST ORDER PULL'],
      s.shops.map((x) => [x.name, x.platform, x.prefix, x.location, x.orders, x.lastRun.orders ?? 'never'])));
  } else {
    lines.push('', 'No shops yet. Add one: backroom shop add woocommerce --name "My shop" --url https://… --key ck_… --secret cs_…');
  }
  if (s.crms.length) lines.push('', table(['CRM', 'PLATFORM'], s.crms.map((c) => [c.name, c.platform])));
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
    .description('show shops, stock, errors and whether an engine is running')
    .action(action(deps, async ({ api, print }) => {
      const status = await (await api()).call('status');
      print.result(status, () => formatStatus(status));
    }));
}
