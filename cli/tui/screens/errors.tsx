import { Box, Text } from 'ink';
import { useState } from 'react';
import type { ErrorEntry } from '../../../core/api/namespaces/issues';
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
import type { ScreenProps } from './types';
import { NotLoaded } from '../components/not-loaded';

const COLUMNS: Column[] = [
  { header: 'WHEN', width: 16 },
  { header: 'SOURCE', min: 8 },
  { header: 'OBJECT', min: 8 },
  { header: 'MESSAGE', min: 10 },
  { header: 'TRIES', width: 5, align: 'right' },
];

export const sourceLabel = (e: { source: { kind: string; name: string } }) => (e.source.kind === 'backroom' ? 'Backroom' : `${e.source.kind} ${e.source.name}`);

export function Errors({ width, height }: ScreenProps) {
  const client = useClient();
  const message = useMessageActions();
  const [all, setAll] = useState(false);
  const [detail, setDetail] = useState<string | null>(null);
  const query = useApiQuery(['errors', all], (c) => c.call('errors.list', { all }), { areas: ['issues'] });
  const errors = query.data ?? [];
  const list = useList(errors.length, height - 3, { isActive: detail === null, onOpen: (i) => setDetail(errors[i]!.id) });
  const shown = detail ? errors.find((e) => e.id === detail) : undefined;
  const selected = (): ErrorEntry | undefined => shown ?? errors[list.current()];
  useScreenHelp(detail ? [Command.Retry, Command.Dismiss, Command.Back] : [Command.Up, Command.Open, Command.Retry, Command.Dismiss, Command.ShowAll]);

  useKeypress((input, key) => {
    const picked = selected();
    if (detail && matches(Command.Back, input, key)) setDetail(null);
    else if (picked && matches(Command.Retry, input, key)) {
      message.info(`Retrying ${picked.operation.kind} for ${picked.object}…`);
      client.call('errors.retry', { id: picked.id }).then(
        (r) => {
          if (r.resolved) {
            message.ok(`retry worked; the error on ${picked.object} is resolved.`);
            setDetail(null);
          } else message.show({ kind: 'error', text: `still failing after retry: ${r.message ?? 'no message'}` });
        },
        (e: unknown) => message.fail(e),
      );
    } else if (picked && matches(Command.Dismiss, input, key)) {
      client.call('errors.dismiss', { id: picked.id }).then(
        () => {
          message.ok(`dismissed the error on ${picked.object}.`);
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
        <Text bold>{`Error on ${shown.object}`}</Text>
        <KeyValue
          pairs={[
            ['Source', sourceLabel(shown)],
            ['Operation', shown.operation.kind],
            ['Object', shown.object],
            ['Message', shown.message],
            ['First seen', when(shown.firstAt)],
            ['Last seen', when(shown.lastAt)],
            ['Attempts', String(shown.attempts)],
            ['Status', shown.dismissed ? 'dismissed' : 'open'],
            ['Id', shown.id],
          ]}
        />
      </Box>
    );
  }
  const rows = errors.map((e) => [when(e.lastAt), sourceLabel(e), e.object, `${e.dismissed ? '(dismissed) ' : ''}${e.message}`, String(e.attempts)]);
  return (
    <Box flexDirection="column" width={width}>
      <Text>{all ? `All errors, dismissed included (${errors.length})` : `Open errors (${errors.length})`}</Text>
      <Table columns={COLUMNS} rows={rows} width={width} height={height - 3} selected={list.index} start={list.start} empty={all ? 'No errors at all.' : 'No open errors. Everything is in step.'} />
    </Box>
  );
}
