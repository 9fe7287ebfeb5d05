import type { ReactNode } from 'react';
import { EngineProvider, type EngineConnection } from './contexts/engine';
import { KeypressProvider } from './contexts/keypress';
import { MessageProvider } from './contexts/message';
import { ThemeProvider, type Theme } from './contexts/theme';

/** Every provider the UI needs, in one place for the real run and for tests. */
export function Providers({ connection, theme, children }: { connection: EngineConnection; theme: Theme; children: ReactNode }) {
  return (
    <ThemeProvider value={theme}>
      <EngineProvider value={connection}>
        <KeypressProvider>
          <MessageProvider>{children}</MessageProvider>
        </KeypressProvider>
      </EngineProvider>
    </ThemeProvider>
  );
}
