import type { Alert, ErrorEntry } from '../../model';
import { dismissAlertGroup, groupAlerts } from '../../runtime/issues';
import { notFound } from '../errors';
import type { Handler } from '../server';

function byId<T extends { id: string }>(list: T[], id: string, what: string): T {
  const found = list.find((x) => x.id === id);
  if (!found) throw notFound('id', `There is no ${what} with id "${id}".`);
  return found;
}

const newestFirst = (a: { lastAt: string }, b: { lastAt: string }) => b.lastAt.localeCompare(a.lastAt);

export const issuesHandlers: {
  'errors.list': Handler<'errors.list'>;
  'errors.dismiss': Handler<'errors.dismiss'>;
  'alerts.list': Handler<'alerts.list'>;
  'alerts.dismiss': Handler<'alerts.dismiss'>;
  'alerts.groups': Handler<'alerts.groups'>;
  'alerts.dismissGroup': Handler<'alerts.dismissGroup'>;
} = {
  async 'errors.list'({ all }, ctx) {
    return ctx.store.issues.data.errors.filter((e) => all || !e.dismissed).sort(newestFirst);
  },
  async 'errors.dismiss'({ id }, ctx) {
    const entry: ErrorEntry = byId(ctx.store.issues.data.errors, id, 'error');
    entry.dismissed = true;
    await ctx.store.issues.save();
    ctx.events.emit('changed', { area: 'issues' });
    return entry;
  },
  async 'alerts.list'({ all }, ctx) {
    return ctx.store.issues.data.alerts.filter((a) => all || !a.dismissed).sort(newestFirst);
  },
  async 'alerts.dismiss'({ id }, ctx) {
    const alert: Alert = byId(ctx.store.issues.data.alerts, id, 'alert');
    alert.dismissed = true;
    await ctx.store.issues.save();
    ctx.events.emit('changed', { area: 'issues' });
    return alert;
  },
  async 'alerts.groups'({ all }, ctx) {
    return groupAlerts(ctx.store.issues.data.alerts.filter((a) => all || !a.dismissed));
  },
  async 'alerts.dismissGroup'({ group }, ctx) {
    const dismissed = dismissAlertGroup(ctx.store, group);
    if (dismissed.length === 0) throw notFound('group', `There is no open group of alerts with id "${group}"; backroom alerts list shows the groups.`);
    await ctx.store.issues.save();
    ctx.events.emit('changed', { area: 'issues' });
    return { group, dismissed: dismissed.length };
  },
};
