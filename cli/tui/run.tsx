import { render } from 'ink';
import type { ApiClient } from '../../core/api/client';
import { App } from './app';
import { themeFromEnv } from './contexts/theme';
import { Providers } from './root';

export interface RunTuiOptions {
  /** The API: attached to a running engine, or the in-process client of the engine this process hosts. */
  client: ApiClient;
  /** True when this process hosts the engine: `q` then stops it cleanly; false when attached (`q` leaves it running). */
  hosted: boolean;
  /** Called once after the UI has closed: stops the hosted engine (host.close) or closes the connection. */
  close: () => Promise<void>;
  /** Shown in the header, e.g. "demo data". */
  label?: string;
  /** 0-based screen to open on (default: the dashboard). */
  initialScreen?: number;
  stdin?: NodeJS.ReadStream;
  stdout?: NodeJS.WriteStream;
  env?: NodeJS.ProcessEnv;
}

const ENTER_ALT_SCREEN = '\u001b[?1049h\u001b[H';
const LEAVE_ALT_SCREEN = '\u001b[?1049l';

/**
 * Runs the terminal UI until the user quits (q or Ctrl+C) or the terminal goes away (SIGHUP,
 * SIGTERM), then calls `close`. Resolves once everything is closed.
 */
export async function runTui(options: RunTuiOptions): Promise<void> {
  const stdout = options.stdout ?? process.stdout;
  const stdin = options.stdin ?? process.stdin;
  const fullScreen = Boolean(stdout.isTTY);
  if (fullScreen) stdout.write(ENTER_ALT_SCREEN);
  const instance = render(
    <Providers connection={{ client: options.client, hosted: options.hosted, label: options.label }} theme={themeFromEnv(options.env ?? process.env)}>
      <App initialScreen={options.initialScreen} />
    </Providers>,
    { stdout, stdin, exitOnCtrlC: false, patchConsole: true },
  );
  const stop = () => instance.unmount();
  process.once('SIGHUP', stop);
  process.once('SIGTERM', stop);
  try {
    await instance.waitUntilExit();
  } finally {
    process.off('SIGHUP', stop);
    process.off('SIGTERM', stop);
    if (fullScreen) stdout.write(LEAVE_ALT_SCREEN);
    await options.close();
  }
  stdout.write(options.hosted ? 'Backroom engine stopped; everything is saved.\n' : 'Left the Backroom engine running.\n');
}
