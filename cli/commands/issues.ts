import type { Command } from 'commander';
import { action, type CliDeps } from '../context';
import { localTime, table } from '../output';
import type { AlertGroup } from '../../core/api/namespaces/issues';

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
          ? table(['ID', 'WHERE', 'OBJECT', 'ATTEMPTS', 'LAST', 'MESSAGE'], list.map((e) => [e.id, `${e.source.kind} ${e.source.name}`, e.object, e.attempts, localTime(e.lastAt), e.message]))
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
    .description('list alerts, grouped by kind and shop or CRM (the newest example under each)')
    .option('--all', 'include dismissed alerts')
    .action(action(deps, async ({ api, print }, opts: { all?: boolean }) => {
      const groups = await (await api()).call('alerts.groups', { all: Boolean(opts.all) });
      print.result(groups, () => (groups.length ? groups.map((g) => formatGroup(g)).join('\n\n') : 'No alerts.'));
    }));
  alerts
    .command('dismiss <id>')
    .description('hide an alert, or a whole group with its g-… id')
    .action(action(deps, async ({ api, print }, id: string) => {
      const client = await api();
      if (id.startsWith('g-')) {
        const result = await client.call('alerts.dismissGroup', { group: id });
        print.result(result, () => `Dismissed ${result.dismissed} alert${result.dismissed === 1 ? '' : 's'} of group ${id}.`);
        return;
      }
      const alert = await client.call('alerts.dismiss', { id });
      print.result(alert, () => `Dismissed alert ${alert.id}.`);
    }));
}

/** One group as a short paragraph: its sentence, then where, how often, when, the newest example and how to dismiss it. */
export function formatGroup(g: AlertGroup, timeZone?: string): string {
  return [
    `${g.dismissed ? '(dismissed) ' : ''}${g.title}`,
    `  ${g.alerts.length} alert${g.alerts.length === 1 ? '' : 's'} · last ${localTime(g.lastAt, timeZone)} · group ${g.id}`,
    `  newest: ${g.newest.message}`,
    ...(g.dismissed ? [] : [`  dismiss all: backroom alerts dismiss ${g.id}`]),
  ].join('\n');
}
