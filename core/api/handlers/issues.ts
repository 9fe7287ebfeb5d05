import type { Alert, ErrorEntry } from '../../model';
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
};
