import { QueryClientProvider } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { EngineProvider, type EngineConnection } from './contexts/engine';
import { KeypressProvider } from './contexts/keypress';
import { MessageProvider } from './contexts/message';
import { ThemeProvider, type Theme } from './contexts/theme';
import { createQueryClient, LiveQueries } from './hooks/use-api';

/** Every provider the UI needs, in one place for the real run and for tests. */
export function Providers({ connection, theme, children }: { connection: EngineConnection; theme: Theme; children: ReactNode }) {
  // One cache per UI: a test's second render, or a new connection, never sees another's data.
  const [queries] = useState(createQueryClient);
  return (
    <ThemeProvider value={theme}>
      <EngineProvider value={connection}>
        <QueryClientProvider client={queries}>
          <LiveQueries>
            <KeypressProvider>
              <MessageProvider>{children}</MessageProvider>
            </KeypressProvider>
          </LiveQueries>
        </QueryClientProvider>
      </EngineProvider>
    </ThemeProvider>
  );
}
