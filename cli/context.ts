import type { Command } from 'commander';
import type { ApiClient } from '../core/api/client';
import { openApi } from '../core/host/host';
import { resolveDataDir } from '../core/store/paths';
import { printer, type Io, type Printer } from './output';

export interface GlobalOptions {
  dataDir?: string;
  json?: boolean;
}

/** What every command action receives. */
export interface CommandEnv {
  io: Io;
  print: Printer;
  dataDir: string;
  /** Opens the API: the running engine if any, else the store directly under the lock. */
  api(): Promise<ApiClient>;
}

export interface CliDeps {
  io: Io;
  env: NodeJS.ProcessEnv;
  /** Overridable for tests; defaults to openApi. */
  openApi?: typeof openApi;
  /** Set by the runner: the exit code of the command that ran. */
  exitCode: number;
}

/**
 * Wraps a command action: resolves the global flags, gives the action an API client, closes it
 * afterwards, and turns any failure into the right message and exit code.
 */
/** An action may return an exit code, e.g. 1 when it printed its result but part of the work failed. */
export function action<A extends unknown[]>(deps: CliDeps, fn: (env: CommandEnv, ...args: A) => Promise<void | number>) {
  return async (...args: unknown[]): Promise<void> => {
    const command = args[args.length - 1] as Command;
    const globals = command.optsWithGlobals<GlobalOptions>();
    const print = printer(deps.io, Boolean(globals.json));
    const dataDir = resolveDataDir(globals.dataDir, deps.env);
    let client: ApiClient | null = null;
    const env: CommandEnv = {
      io: deps.io,
      print,
      dataDir,
      api: async () => (client ??= await (deps.openApi ?? openApi)({ dataDir })),
    };
    try {
      const code = await fn(env, ...(args.slice(0, -1) as A));
      deps.exitCode = typeof code === 'number' ? code : 0;
    } catch (error) {
      deps.exitCode = print.failure(error);
    } finally {
      await (client as ApiClient | null)?.close();
    }
  };
}
