import { Box, Text } from 'ink';
import { useState } from 'react';
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
  { header: 'SOURCE', min: 8 },
  { header: 'KIND', min: 8 },
  { header: 'MESSAGE', min: 12 },
  { header: 'SEEN', width: 5, align: 'right' },
];

export function Alerts({ width, height }: ScreenProps) {
  const client = useClient();
  const message = useMessageActions();
  const [all, setAll] = useState(false);
  const [detail, setDetail] = useState<string | null>(null);
  const query = useApiQuery((c) => c.call('alerts.list', { all }), [all], { areas: ['issues'] });
  const alerts = query.data ?? [];
  const list = useList(alerts.length, height - 3, { isActive: detail === null, onOpen: (i) => setDetail(alerts[i]!.id) });
  const shown = detail ? alerts.find((a) => a.id === detail) : undefined;
  const selected = () => shown ?? alerts[list.current()];
  useScreenHelp(detail ? [Command.Dismiss, Command.Back] : [Command.Up, Command.Open, Command.Dismiss, Command.ShowAll]);

  useKeypress((input, key) => {
    const picked = selected();
    if (detail && matches(Command.Back, input, key)) setDetail(null);
    else if (picked && matches(Command.Dismiss, input, key)) {
      client.call('alerts.dismiss', { id: picked.id }).then(
        () => {
          message.ok(`dismissed the alert: ${picked.message}`);
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
    return (
      <Box flexDirection="column" width={width}>
        <Text bold>Alert</Text>
        <KeyValue
          pairs={[
            ['Source', sourceLabel(shown)],
            ['Kind', shown.kind],
            ['Message', shown.message],
            ['Times seen', String(shown.count)],
            ['First seen', when(shown.firstAt)],
            ['Last seen', when(shown.lastAt)],
            ['Status', shown.dismissed ? 'dismissed' : 'open'],
          ]}
        />
      </Box>
    );
  }
  const rows = alerts.map((a) => [when(a.lastAt), sourceLabel(a), a.kind, `${a.dismissed ? '(dismissed) ' : ''}${a.message}`, String(a.count)]);
  return (
    <Box flexDirection="column" width={width}>
      <Text>{all ? `All alerts, dismissed included (${alerts.length})` : `Alerts (${alerts.length}) — worth a look, not failures`}</Text>
      <Table columns={COLUMNS} rows={rows} width={width} height={height - 3} selected={list.index} start={list.start} empty="No alerts." />
    </Box>
  );
}
