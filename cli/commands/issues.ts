import type { Command } from 'commander';
import { action, type CliDeps } from '../context';
import { table } from '../output';

export function registerIssues(program: Command, deps: CliDeps): void {
  const errors = program.command('errors').description('failures between Backroom and a shop or CRM');
  errors
    .command('list')
    .description('list open errors')
    .option('--all', 'include dismissed errors')
    .action(action(deps, async ({ api, print }, opts: { all?: boolean }) => {
      const list = await (await api()).call('errors.list', { all: Boolean(opts.all) });
      print.result(list, () =>
        list.length
          ? table(['ID', 'WHERE', 'OBJECT', 'ATTEMPTS', 'LAST', 'MESSAGE'], list.map((e) => [e.id, `${e.source.kind} ${e.source.name}`, e.object, e.attempts, e.lastAt, e.message]))
          : 'No errors.');
    }));
  errors
    .command('retry <id>')
    .description('run the failed operation again, exactly as before')
    .action(action(deps, async ({ api, print }, id: string) => {
      const result = await (await api()).call('errors.retry', { id });
      print.result(result, () => (result.resolved ? `Retried: error ${id} is resolved.` : `Retried, but it failed again: ${result.message}`));
      return result.resolved ? 0 : 1;
    }));
  errors
    .command('dismiss <id>')
    .description('hide an error from the list')
    .action(action(deps, async ({ api, print }, id: string) => {
      const entry = await (await api()).call('errors.dismiss', { id });
      print.result(entry, () => `Dismissed error ${entry.id} (${entry.object}).`);
    }));

  const alerts = program.command('alerts').description('conditions worth seeing: unknown SKUs, skipped statuses, unmanaged stock');
  alerts
    .command('list')
    .description('list alerts')
    .option('--all', 'include dismissed alerts')
    .action(action(deps, async ({ api, print }, opts: { all?: boolean }) => {
      const list = await (await api()).call('alerts.list', { all: Boolean(opts.all) });
      print.result(list, () =>
        list.length ? table(['ID', 'WHERE', 'COUNT', 'LAST', 'MESSAGE'], list.map((a) => [a.id, `${a.source.kind} ${a.source.name}`, a.count, a.lastAt, a.message])) : 'No alerts.');
    }));
  alerts
    .command('dismiss <id>')
    .description('hide an alert')
    .action(action(deps, async ({ api, print }, id: string) => {
      const alert = await (await api()).call('alerts.dismiss', { id });
      print.result(alert, () => `Dismissed alert ${alert.id}.`);
    }));
}
