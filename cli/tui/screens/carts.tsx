import { Box, Text } from 'ink';
import { useState } from 'react';
import type { CartView } from '../../../core/api/namespaces/carts';
import type { CartState } from '../../../core/model';
import { KeyValue } from '../components/key-value';
import { Table, type Column } from '../components/table';
import { useScreenHelp } from '../contexts/help';
import { useKeypress } from '../contexts/keypress';
import { age } from '../../../core/model/wording';
import { count, when } from '../format';
import { useApiQuery } from '../hooks/use-api';
import { useList } from '../hooks/use-list';
import { useNow } from '../hooks/use-now';
import { Command, matches } from '../keys';
import type { ScreenProps } from './types';
import { NotLoaded } from '../components/not-loaded';

/** The order `f` steps through: every state, then all carts again. */
export const CART_STATES: readonly CartState[] = ['capturing', 'abandoned', 'recovered', 'lost', 'unsubscribed'];

/** What the NOTE column says for a cart kept away from the CRM. */
export const NO_CRM = 'no CRM';

const COLUMNS: Column[] = [
  { header: 'STATE', width: 12 },
  { header: 'EMAIL', min: 12 },
  { header: 'NAME', min: 6 },
  { header: 'TOTAL', align: 'right', min: 9 },
  { header: 'AGE', align: 'right', width: 6 },
  { header: 'NOTE', width: NO_CRM.length },
];
const SHOP_COLUMN: Column = { header: 'SHOP', min: 4 };

const nextState = (state: CartState | undefined): CartState | undefined => (state === undefined ? CART_STATES[0] : CART_STATES[CART_STATES.indexOf(state) + 1]);

/** Minutes since the checkout's last activity, as of `now` (the API's figure plus the time since it was fetched). */
const minutesOld = (cart: CartView, fetchedAt: number, now: Date) => cart.ageMinutes + Math.max(0, Math.floor((now.getTime() - fetchedAt) / 60_000));

export function Carts({ width, height }: ScreenProps) {
  const [state, setState] = useState<CartState | undefined>(undefined);
  const [detail, setDetail] = useState<string | null>(null);
  const now = useNow(30_000);
  // Live: the cart sweep emits `changed: carts` whenever it captures a cart or moves one on.
  // The answer carries the state it was asked for: while the next state's carts load, the previous
  // list stays on screen, and its title and empty line must keep naming the state it holds.
  const query = useApiQuery(['carts', state], async (c) => ({ carts: await c.call('carts.list', { state }), fetchedAt: Date.now(), state }), { areas: ['carts', 'settings'] });
  const shownState = query.data?.state;
  const carts = query.data?.carts ?? [];
  const fetchedAt = query.data?.fetchedAt ?? Date.now();
  const blocked = carts.some((c) => c.crmBlocked);
  const listHeight = height - (blocked ? 4 : 3);
  const list = useList(carts.length, listHeight, { isActive: detail === null, onOpen: (i) => setDetail(carts[i]!.id) });
  const shown = detail ? carts.find((c) => c.id === detail) : undefined;
  useScreenHelp(shown ? [Command.Back] : [Command.Up, Command.Open, Command.StateFilter, Command.ClearFilter]);

  useKeypress((input, key) => {
    const filter = (next: (s: CartState | undefined) => CartState | undefined) => {
      setState(next);
      list.setIndex(0);
    };
    if (shown && matches(Command.Back, input, key)) setDetail(null);
    else if (!shown && matches(Command.StateFilter, input, key)) filter(nextState);
    else if (!shown && matches(Command.ClearFilter, input, key)) filter(() => undefined);
    else return false;
    return true;
  });

  if (!query.data) return <NotLoaded error={query.error} />;
  if (shown) {
    return (
      <Box flexDirection="column" width={width}>
        <Text bold wrap="truncate-end">{`Cart of ${shown.email}`}</Text>
        <KeyValue
          pairs={[
            ['State', `${shown.state} since ${when(shown.stateChangedAt)}`],
            ['Email', shown.email],
            ['Name', shown.name || '—'],
            ['Shop', shown.shop],
            ['Total', `${shown.total} ${shown.currency}`],
            ['Items', count(shown.items, 'line')],
            ['Captured', when(shown.capturedAt)],
            ['Last activity', `${age(minutesOld(shown, fetchedAt, now))} ago`],
            ['CRM', shown.crmBlocked ? `${NO_CRM}: the email or its domain is on the blacklist; captured, never sent to a CRM` : 'tag rules apply (cart abandoned, recovered, lost)'],
            ['Id', shown.id],
          ]}
        />
      </Box>
    );
  }
  // The shop only earns a column when the carts come from more than one.
  const manyShops = new Set(carts.map((c) => c.shop)).size > 1;
  const columns = manyShops ? [...COLUMNS, SHOP_COLUMN] : COLUMNS;
  const rows = carts.map((c) => [c.state, c.email, c.name, `${c.total} ${c.currency}`, age(minutesOld(c, fetchedAt, now)), c.crmBlocked ? NO_CRM : '', ...(manyShops ? [c.shop] : [])]);
  const title = `Carts${shownState ? ` (state ${shownState})` : ''}: ${carts.length.toLocaleString('en')} · age = since the checkout's last activity`;
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate-end">{title}</Text>
      {blocked ? <Text wrap="truncate-end">{`${NO_CRM} = blacklisted email or domain: captured, never sent to a CRM`}</Text> : null}
      <Table
        columns={columns}
        rows={rows}
        width={width}
        height={listHeight}
        selected={list.index}
        start={list.start}
        empty={shownState ? `No ${shownState} carts (f next state, c all carts).` : 'No carts yet: a checkout with an email and no paid order is captured by the next sweep.'}
      />
    </Box>
  );
}
