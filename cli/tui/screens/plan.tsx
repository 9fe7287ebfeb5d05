import { Box, Text } from 'ink';
import { useState } from 'react';
import type { SyncPlan } from '../../../core/model';
import { formatPlan } from '../../commands/plan';
import { useClient } from '../contexts/engine';
import { useScreenHelp } from '../contexts/help';
import { useKeypress } from '../contexts/keypress';
import { useMessageActions } from '../contexts/message';
import { useApiQuery } from '../hooks/use-api';
import { useList } from '../hooks/use-list';
import { Command, matches } from '../keys';
import type { ScreenProps } from './types';

/**
 * The dry run, as `backroom sync --plan` prints it: what a sync would do now, worked out without
 * changing anything. It reads the shops, so it is worked out when asked (g), not on every visit.
 */
export function Plan({ width, height }: ScreenProps) {
  const client = useClient();
  const message = useMessageActions();
  const [plan, setPlan] = useState<SyncPlan | null>(null);
  const [busy, setBusy] = useState(false);
  const status = useApiQuery(['status'], (c) => c.call('status'), { areas: ['settings'] });
  const lines = plan ? formatPlan(plan).split('\n') : [];
  const room = Math.max(1, height - 2);
  const list = useList(lines.length, room);
  useScreenHelp([Command.Up, Command.PageUp, Command.Refresh]);
  useKeypress((input, key) => {
    if (!matches(Command.Refresh, input, key) || busy) return false;
    setBusy(true);
    client.call('sync.plan', {}).then(
      (p) => (setPlan(p), setBusy(false)),
      (e: unknown) => (message.fail(e), setBusy(false)),
    );
    return true;
  });
  const first = (status.data?.shops ?? []).filter((s) => !s.lastRun.orders && !s.lastRun.inventory).map((s) => s.name);
  const head = busy
    ? 'Working out the plan (reading the shops)…'
    : first.length
      ? `First sync of ${first.join(', ')}: g shows what it will do (p on the dashboard pauses syncing first).`
      : plan ? 'Dry run: what a sync would do now · g works it out again' : 'Dry run: g shows what a sync would do now, changing nothing.';
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate-end" bold>{head}</Text>
      {lines.slice(list.start, list.start + room).map((line, i) => (
        <Text key={list.start + i} wrap="truncate-end" inverse={list.start + i === list.index}>{line || ' '}</Text>
      ))}
    </Box>
  );
}
