// Errors (failures between Backroom and a platform: retried or dismissed) and alerts (worth seeing, dismissed).
import { z } from 'zod';
import type { Alert, ErrorEntry } from '../../model';
import { dismissAlertGroup, groupAlerts, type AlertGroup } from '../../runtime/issues';
import { UNREADABLE_KIND, unreadableRetryRefusal } from '../../runtime/unreadable-work';
import { method } from '../define';
import { conflict, notFound } from '../errors';
import { namespace } from '../namespace';

export type { Alert, AlertGroup, ErrorEntry };

const byIdParams = z.object({ id: z.string().min(1, 'must not be empty') }).strict();
const listParams = z.object({ all: z.boolean().default(false) }).strict();

const contract = {
  'errors.list': method<ErrorEntry[]>()(listParams),
  'errors.dismiss': method<ErrorEntry>()(byIdParams),
  /** Re-runs exactly the operation that failed. */
  'errors.retry': method<{ resolved: boolean; message?: string }>()(z.object({ id: z.string().min(1) }).strict()),
  'alerts.list': method<Alert[]>()(listParams),
  'alerts.dismiss': method<Alert>()(byIdParams),
  /** Alerts grouped by kind and shop or CRM, with a count and the newest example. */
  'alerts.groups': method<AlertGroup[]>()(listParams),
  /** Dismisses every open alert of one group. */
  'alerts.dismissGroup': method<{ group: string; dismissed: number }>()(z.object({ group: z.string().min(1, 'must not be empty') }).strict()),
};

function byId<T extends { id: string }>(list: T[], id: string, what: string): T {
  const found = list.find((x) => x.id === id);
  if (!found) throw notFound('id', `There is no ${what} with id "${id}".`);
  return found;
}

const newestFirst = (a: { lastAt: string }, b: { lastAt: string }) => b.lastAt.localeCompare(a.lastAt);

export const issues = namespace(contract, {
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
  async 'errors.retry'({ id }, ctx) {
    const entry = ctx.store.issues.data.errors.find((e) => e.id === id);
    if (!entry) throw notFound('id', `There is no error with id "${id}".`);
    // An unreadable queued item has nothing to run: say what is wrong with it instead.
    if (entry.operation.kind === UNREADABLE_KIND) throw conflict('id', unreadableRetryRefusal(String(entry.operation.args.id), ctx.store.queue.data.unreadable ?? []));
    return ctx.engine.retryError(id);
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
});
