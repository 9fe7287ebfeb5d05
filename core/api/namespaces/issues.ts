// Errors (failures between Backroom and a platform: retried or dismissed) and alerts (worth seeing, dismissed).
import { z } from 'zod';
import type { Alert, ErrorEntry } from '../../model';
import { alertGroupId, groupAlerts, type AlertGroup } from '../../runtime/issues';
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
    return (await ctx.repos.issues.errors()).filter((e) => all || !e.dismissed).sort(newestFirst);
  },
  async 'errors.dismiss'({ id }, ctx) {
    const dismissed = await ctx.repos.write(async (w) => {
      const entry: ErrorEntry = { ...byId(await w.issues.errors(), id, 'error'), dismissed: true };
      await w.issues.putError(entry);
      return entry;
    });
    ctx.events.emit('changed', { area: 'issues' });
    return dismissed;
  },
  async 'errors.retry'({ id }, ctx) {
    const entry = (await ctx.repos.issues.errors()).find((e) => e.id === id);
    if (!entry) throw notFound('id', `There is no error with id "${id}".`);
    // An unreadable queued item has nothing to run: say what is wrong with it instead.
    if (entry.operation.kind === UNREADABLE_KIND) throw conflict('id', unreadableRetryRefusal(String(entry.operation.args.id), await ctx.repos.queue.unreadable()));
    return ctx.engine.retryError(id);
  },
  async 'alerts.list'({ all }, ctx) {
    return (await ctx.repos.issues.alerts()).filter((a) => all || !a.dismissed).sort(newestFirst);
  },
  async 'alerts.dismiss'({ id }, ctx) {
    const dismissed = await ctx.repos.write(async (w) => {
      const alert: Alert = { ...byId(await w.issues.alerts(), id, 'alert'), dismissed: true };
      await w.issues.putAlert(alert);
      return alert;
    });
    ctx.events.emit('changed', { area: 'issues' });
    return dismissed;
  },
  async 'alerts.groups'({ all }, ctx) {
    return groupAlerts((await ctx.repos.issues.alerts()).filter((a) => all || !a.dismissed));
  },
  async 'alerts.dismissGroup'({ group }, ctx) {
    const dismissed = await ctx.repos.write(async (w) => {
      const members = (await w.issues.alerts()).filter((a) => !a.dismissed && alertGroupId(a) === group);
      for (const alert of members) await w.issues.putAlert({ ...alert, dismissed: true });
      return members.length;
    });
    if (dismissed === 0) throw notFound('group', `There is no open group of alerts with id "${group}"; backroom alerts list shows the groups.`);
    ctx.events.emit('changed', { area: 'issues' });
    return { group, dismissed };
  },
});
