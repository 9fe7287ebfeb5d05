import { Box, Text } from 'ink';
import { useState } from 'react';
import type { AlertGroup } from '../../../core/api/namespaces/issues';
import { KeyValue } from '../components/key-value';
import { Table, type Column } from '../components/table';
import { useClient } from '../contexts/engine';
import { useScreenHelp } from '../contexts/help';
import { useKeypress } from '../contexts/keypress';
import { useMessageActions } from '../contexts/message';
import { when } from '../format';
import { useApiQuery } from '../hooks/use-api';
import { useList } from '../hooks/use-list';
import { Command, matches } from '../keys';
import { sourceLabel } from './errors';
import type { ScreenProps } from './types';
import { NotLoaded } from '../components/not-loaded';

const COLUMNS: Column[] = [
  { header: 'WHEN', width: 16 },
  { header: 'ALERTS', width: 6, align: 'right' },
  // The sentence names the shop or CRM, so it gets the rest of the width.
  { header: 'WHAT', min: 20 },
];

/** Alerts in groups (kind and shop or CRM), as `backroom alerts list` shows them; d dismisses a whole group. */
export function Alerts({ width, height }: ScreenProps) {
  const client = useClient();
  const message = useMessageActions();
  const [all, setAll] = useState(false);
  const [detail, setDetail] = useState<string | null>(null);
  const query = useApiQuery(['alerts', all], (c) => c.call('alerts.groups', { all }), { areas: ['issues'] });
  const groups = query.data ?? [];
  const list = useList(groups.length, height - 3, { isActive: detail === null, onOpen: (i) => setDetail(groups[i]!.id) });
  const shown = detail ? groups.find((g) => g.id === detail) : undefined;
  const selected = (): AlertGroup | undefined => shown ?? groups[list.current()];
  useScreenHelp(detail ? [Command.Dismiss, Command.Back] : [Command.Up, Command.Open, Command.Dismiss, Command.ShowAll]);

  useKeypress((input, key) => {
    const picked = selected();
    if (detail && matches(Command.Back, input, key)) setDetail(null);
    else if (picked && !picked.dismissed && matches(Command.Dismiss, input, key)) {
      client.call('alerts.dismissGroup', { group: picked.id }).then(
        (r) => {
          message.ok(`dismissed ${r.dismissed} alert${r.dismissed === 1 ? '' : 's'}: ${picked.title}`);
          setDetail(null);
        },
        (e: unknown) => message.fail(e),
      );
    } else if (!detail && matches(Command.ShowAll, input, key)) setAll((a) => !a);
    else return false;
    return true;
  });

  if (!query.data) return <NotLoaded error={query.error} />;
  if (shown) {
    const room = Math.max(0, height - 10);
    return (
      <Box flexDirection="column" width={width}>
        <Text bold wrap="wrap">
          {shown.title}
        </Text>
        <KeyValue
          pairs={[
            ['Source', sourceLabel(shown)],
            ['Alerts', `${shown.alerts.length} (seen ${shown.count} times)`],
            ['First seen', when(shown.firstAt)],
            ['Last seen', when(shown.lastAt)],
            ['Newest', shown.newest.message],
            ['Status', shown.dismissed ? 'dismissed' : 'open'],
          ]}
        />
        {shown.alerts.slice(0, room).map((a) => (
          <Text key={a.id} wrap="truncate-end">{`  ${a.dismissed ? '(dismissed) ' : ''}${a.message}`}</Text>
        ))}
        {shown.alerts.length > room ? <Text>{`  … and ${shown.alerts.length - room} more`}</Text> : null}
      </Box>
    );
  }
  const rows = groups.map((g) => [when(g.lastAt), String(g.alerts.length), `${g.dismissed ? '(dismissed) ' : ''}${g.title}`]);
  const total = groups.reduce((n, g) => n + g.alerts.length, 0);
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate-end">{all ? `All alerts, dismissed included: ${total} in ${groups.length} groups` : `Alerts: ${total} in ${groups.length} group${groups.length === 1 ? '' : 's'} — worth a look, not failures; d dismisses a group`}</Text>
      <Table columns={COLUMNS} rows={rows} width={width} height={height - 3} selected={list.index} start={list.start} empty="No alerts." />
    </Box>
  );
}
