import { Box, Text } from 'ink';
import { useEffect } from 'react';
import type { EngineState } from '../../../core/api/namespaces/engine';
import type { ErrorEntry } from '../../../core/api/namespaces/issues';
import type { StatusReport, TargetHealth } from '../../../core/api/namespaces/status';
import { HEALTH_LABEL } from '../../../core/engine/health';
import { Label } from '../components/label';
import { ShopSparklines } from '../components/sparkline';
import { Table, type Column } from '../components/table';
import { useClient, useEngine } from '../contexts/engine';
import { useScreenHelp } from '../contexts/help';
import { useKeypress } from '../contexts/keypress';
import { useMessageActions } from '../contexts/message';
import { nextRun, relative } from '../../../core/model/wording';
import { count } from '../format';
import { useApiQuery } from '../hooks/use-api';
import { describeJob, useJobProgress } from '../hooks/use-jobs';
import { useNow } from '../hooks/use-now';
import { Command, matches } from '../keys';
import type { ScreenProps } from './types';
import { NotLoaded } from '../components/not-loaded';

const JOBS = ['orders', 'inventory', 'shipping', 'reconcile', 'carts', 'crm'];

export interface DashboardData {
  status: StatusReport;
  engine: EngineState;
  errors: ErrorEntry[];
}

/** The health word of a shop or CRM, from the one health core computes for every front end. */
export function connectionState(health: TargetHealth): string {
  return HEALTH_LABEL[health.state];
}

/** Rows of the connections table: one per job of each shop or CRM, the name on the first. */
export function connectionRows(data: DashboardData, now: Date): string[][] {
  const rows: string[][] = [];
  const targets = [
    ...data.status.shops.map((s) => ({ kind: 'shop' as const, name: s.name, what: `${s.platform} ${s.prefix}`, orders: s.orders.toLocaleString('en'), lastRun: s.lastRun, health: s.health })),
    // A CRM has one job; its last run is the health's last success.
    ...data.status.crms.map((c) => ({ kind: 'crm' as const, name: c.name, what: c.platform, orders: '', lastRun: c.health.lastSuccessAt ? { crm: c.health.lastSuccessAt } : ({} as Record<string, string>), health: c.health })),
  ];
  for (const t of targets) {
    const next = data.engine.nextRuns.filter((n) => n.target === t.name && (t.kind === 'crm') === (n.job === 'crm'));
    const jobs = JOBS.filter((j) => j in t.lastRun || next.some((n) => n.job === j));
    if (!jobs.length) jobs.push(t.kind === 'shop' ? 'orders' : 'crm');
    const state = connectionState(t.health);
    jobs.forEach((job, i) => {
      const at = next.find((n) => n.job === job)?.at;
      rows.push(i === 0 ? [t.name, t.what, state, t.orders, job, relative(t.lastRun[job], now), nextRun(at, now)] : ['', '', '', '', job, relative(t.lastRun[job], now), nextRun(at, now)]);
    });
  }
  return rows;
}

/** One line per shop or CRM that needs attention: the reason, in words. */
export function reasonLines(status: StatusReport): string[] {
  return [...status.shops, ...status.crms]
    .filter((t) => t.health.state === 'attention')
    .map((t) => `${t.name}: ${t.health.reason}`);
}

/** What the demo is, on its first screen (the demo runs the TUI with the label "demo data"). */
export const DEMO_EXPLANATION = [
  'This is the demo: two practice shops (WooCommerce, Shopify) and a practice CRM run on this computer, with made-up orders arriving every 20 s.',
  'Try: 4 Orders to watch them arrive, 5 Stock to change a quantity and see it pushed, 6 Carts for abandoned checkouts. q ends the demo; nothing real is touched.',
];

const COLUMNS: Column[] = [
  { header: 'SHOP / CRM', min: 8 },
  { header: 'PLATFORM', min: 6 },
  { header: 'HEALTH', min: 7 },
  { header: 'ORDERS', align: 'right', min: 6 },
  { header: 'JOB', width: 9 },
  { header: 'LAST', width: 8 },
  { header: 'NEXT', width: 8 },
];

export function Dashboard({ width, height }: ScreenProps) {
  const client = useClient();
  const { hosted, label } = useEngine();
  const demo = label === 'demo data';
  const message = useMessageActions();
  const now = useNow();
  const progress = useJobProgress();
  const query = useApiQuery<DashboardData>(
    ['dashboard'],
    async (c) => {
      const [status, engine, errors] = await Promise.all([c.call('status'), c.call('engine.state'), c.call('errors.list')]);
      return { status, engine, errors };
    },
    { areas: ['settings', 'issues', 'orders', 'stock', 'queue', 'carts'], onJobs: true },
  );
  useScreenHelp([Command.SyncNow, Command.PauseResume, Command.Refresh]);
  // A planned run whose time has come re-plans when it finishes, and that raises no event of its
  // own: while one is due, ask again on each tick so NEXT moves on instead of staying "due now".
  const due = query.data?.engine.nextRuns.some((n) => new Date(n.at).getTime() <= now.getTime()) ?? false;
  const { reload } = query;
  useEffect(() => {
    if (due) reload();
  }, [due, now, reload]);

  useKeypress((input, key) => {
    if (matches(Command.SyncNow, input, key)) {
      message.info('Syncing every shop and CRM now…');
      client.call('sync.run').then(
        ({ summaries }) => {
          const errors = summaries.reduce((n, s) => n + s.errors, 0);
          message.ok(`sync finished: ${count(summaries.length, 'job run')}, ${count(errors, 'error')}.`);
        },
        (e: unknown) => message.fail(e),
      );
    } else if (matches(Command.PauseResume, input, key)) {
      const paused = query.data?.engine.paused;
      client.call(paused ? 'engine.resume' : 'engine.pause').then(
        (s) => message.ok(s.paused ? 'engine paused: no timed syncs until you resume (p).' : 'engine resumed.'),
        (e: unknown) => message.fail(e),
      );
    } else if (matches(Command.Refresh, input, key)) query.reload();
    else return false;
    return true;
  });

  const data = query.data;
  if (!data) return <NotLoaded error={query.error} />;
  const { status, engine } = data;
  const rows = connectionRows(data, now);
  const reasons = reasonLines(status);
  const intro = demo ? DEMO_EXPLANATION : [];
  const engineLine = `Engine: ${engine.state}${engine.paused ? ' (paused)' : ''} · ${hosted ? 'hosted by this terminal' : `attached to pid ${status.engine?.pid ?? '?'}`} · queue: ${engine.queueDepth}`;
  const running = progress.running.length ? `Now: ${progress.running.map(describeJob).join('; ')}` : engine.running.length ? `Now: ${engine.running.join(', ')}` : 'Now: idle';
  const last = progress.last ? ` · last: ${describeJob(progress.last)} (${progress.last.state})` : '';
  return (
    <Box flexDirection="column" width={width}>
      {intro.map((line) => (
        <Text key={line} wrap="wrap">
          {line}
        </Text>
      ))}
      <Label tone={status.health.overall === 'attention' ? 'error' : status.health.overall === 'ok' ? 'ok' : 'warn'} wrap="truncate-end">
        {`Health: ${HEALTH_LABEL[status.health.overall]} — ${status.health.reason}`}
      </Label>
      <Label tone={engine.state === 'errors' ? 'error' : engine.state === 'paused' ? 'warn' : 'ok'} wrap="truncate-end">
        {engineLine}
      </Label>
      <Text wrap="truncate-end">{`${running}${last}`}</Text>
      <Text wrap="truncate-end">
        {`SKUs ${status.skus.toLocaleString('en')} · locations ${status.locations} · open errors ${status.errors} · alerts ${status.alerts}`}
      </Text>
      <ShopSparklines width={width} />
      <Text> </Text>
      {status.shops.length || status.crms.length ? (
        <Box flexDirection="column">
          <Table columns={COLUMNS} rows={rows} width={width} height={Math.max(1, height - 7 - status.shops.length - reasons.length - intro.length * 2)} />
          {reasons.map((line) => (
            <Label key={line} tone="error" wrap="truncate-end">
              {line}
            </Label>
          ))}
        </Box>
      ) : (
        <Text wrap="wrap">No shops yet. Add one in Settings (7), or: backroom shop add woocommerce --name "My shop" --url … --key … --secret …</Text>
      )}
    </Box>
  );
}
