import type { Command } from 'commander';
import { hostOrAttach } from '../../core/host/host';
import { resolveDataDir } from '../../core/store/paths';
import type { CliDeps, GlobalOptions } from '../context';
// A type-only import: erased from the bundle, so the TUI still loads only through loadTui().
import type * as TuiModuleNs from '../tui/index';

type TuiModule = typeof TuiModuleNs;
import { action } from '../context';
import { EXIT, printer } from '../output';
import { formatStatus } from './system';

/**
 * Loads the terminal UI. Ink renders only its last frame when it sees CI variables (`CI`,
 * `CONTINUOUS_INTEGRATION`); Backroom opens the UI only on an interactive terminal, so that
 * heuristic is switched off first (it is read when Ink loads).
 */
export async function loadTui(): Promise<TuiModule> {
  for (const key of ['CI', 'CONTINUOUS_INTEGRATION']) if (key in process.env) process.env[key] = 'false';
  return import('../tui/index');
}

/** Whether this process can run a full-screen UI: both ends of the terminal are TTYs. */
export function canOpenTui(): boolean {
  return Boolean(process.stdout.isTTY && process.stdin.isTTY);
}

/**
 * Opens the terminal UI on `dataDir`: attached to the engine that runs there, or hosting one itself
 * when none does. Returns the exit code.
 */
export async function openTui(dataDir: string, deps: CliDeps): Promise<number> {
  const print = printer(deps.io, false);
  // Ink and React load only here, never for the other commands.
  const { runTui } = await loadTui();
  try {
    // The engine that runs (desktop app, daemon), else this terminal hosts it and schedules syncs.
    const reached = await hostOrAttach({ dataDir, serve: true, schedule: true, first: 'attach', waitMs: 2000 });
    await runTui({ client: reached.client, hosted: reached.hosted, close: () => reached.close(), env: deps.env });
    return EXIT.ok;
  } catch (error) {
    return print.failure(error);
  }
}

/** `backroom` with no command (and `backroom tui`): the terminal UI on a terminal, else the plain status. */
export function registerTui(program: Command, deps: CliDeps): void {
  const statusInstead = action(deps, async ({ api, print }) => {
    const status = await (await api()).call('status');
    print.result(status, () => formatStatus(status));
  });
  const open = async (command: Command) => {
    const globals = command.optsWithGlobals<GlobalOptions>();
    if (globals.json || !canOpenTui()) return statusInstead(command);
    deps.exitCode = await openTui(resolveDataDir(globals.dataDir, deps.env), deps);
  };

  program
    .command('tui')
    .description('open the terminal UI (the default when you run backroom on a terminal)')
    .action((_opts: unknown, command: Command) => open(command));

  program.allowExcessArguments(true).action(async (_opts: unknown, command: Command) => {
    const [unknown] = command.args;
    if (unknown !== undefined) command.error(`error: unknown command '${unknown}'`, { code: 'commander.unknownCommand', exitCode: EXIT.usage });
    await open(command);
  });
}
