import { Box, Text, useApp } from 'ink';
import { useState, type ComponentType } from 'react';
import { Header, Tabs, type ScreenTab } from './components/header';
import { HelpLine } from './components/help-line';
import { MessageLine } from './components/message-line';
import { useEngine } from './contexts/engine';
import { HelpProvider, useHelpCommands } from './contexts/help';
import { PRIORITY, useInteractive, useKeypress } from './contexts/keypress';
import { useMessage, useMessageActions } from './contexts/message';
import { useApiQuery } from './hooks/use-api';
import { useTerminalSize } from './hooks/use-terminal-size';
import { Command, matches } from './keys';
import { Alerts } from './screens/alerts';
import { Carts } from './screens/carts';
import { Dashboard } from './screens/dashboard';
import { Errors } from './screens/errors';
import { Orders } from './screens/orders';
import { Settings } from './screens/settings';
import { Stock } from './screens/stock';
import { Catalogue } from './screens/catalogue';
import { Plan } from './screens/plan';
import type { ScreenProps } from './screens/types';

export const SCREENS: readonly (ScreenTab & { component: ComponentType<ScreenProps> })[] = [
  { id: 'dashboard', title: 'Dashboard', component: Dashboard },
  { id: 'errors', title: 'Errors', component: Errors },
  { id: 'alerts', title: 'Alerts', component: Alerts },
  { id: 'orders', title: 'Orders', component: Orders },
  { id: 'stock', title: 'Stock', component: Stock },
  { id: 'carts', title: 'Carts', component: Carts },
  { id: 'settings', title: 'Settings', component: Settings },
  { id: 'catalogue', title: 'Kits', component: Catalogue },
  { id: 'plan', title: 'Plan', component: Plan },
];

/** Lines the frame takes besides the screen: header, tabs, message, and two for the help line; one spare below. */
export const CHROME_LINES = 6;

function Frame({ initialScreen = 0, onQuit }: { initialScreen?: number; onQuit?: () => void }) {
  const { hosted, label } = useEngine();
  const { exit } = useApp();
  const size = useTerminalSize();
  const interactive = useInteractive();
  const [current, setCurrent] = useState(initialScreen);
  const message = useMessage();
  const actions = useMessageActions();
  const help = useHelpCommands();
  const status = useApiQuery(['status'], (c) => c.call('status'), { areas: ['issues', 'settings'] });

  const go = (index: number) => {
    setCurrent((index + SCREENS.length) % SCREENS.length);
    actions.show(null);
  };
  useKeypress(
    (input, key) => {
      if (matches(Command.Quit, input, key)) {
        actions.info(hosted ? 'Stopping the engine and saving…' : 'Leaving; the engine keeps running.');
        (onQuit ?? exit)();
      } else if (matches(Command.PrevScreen, input, key)) go(current - 1);
      else if (matches(Command.NextScreen, input, key)) go(current + 1);
      else if (matches(Command.GoToScreen, input, key)) go(Number(input) - 1);
      else return false;
      return true;
    },
    { priority: PRIORITY.app },
  );

  const tabs = SCREENS.map((s) => ({ ...s, badge: s.id === 'errors' ? status.data?.errors : s.id === 'alerts' ? status.data?.alerts : undefined }));
  const Screen = SCREENS[current]!.component;
  const bodyHeight = Math.max(3, size.rows - CHROME_LINES);
  return (
    <Box flexDirection="column" width={size.columns}>
      <Header hosted={hosted} label={label} pid={status.data?.engine?.pid} width={size.columns} />
      <Tabs tabs={tabs} current={current} width={size.columns} />
      <Box height={bodyHeight} flexDirection="column" overflow="hidden">
        <Screen width={size.columns} height={bodyHeight} />
      </Box>
      <MessageLine message={message} />
      {interactive ? <HelpLine commands={help} width={size.columns} /> : <Text>Keys are not available: input is not a terminal.</Text>}
    </Box>
  );
}

export function App(props: { initialScreen?: number; onQuit?: () => void }) {
  return (
    <HelpProvider>
      <Frame {...props} />
    </HelpProvider>
  );
}
