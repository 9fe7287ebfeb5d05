import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { resolveDataDir } from '../../core/store/paths';
import type { CliDeps, GlobalOptions } from '../context';
import { BOUNDS } from '../../core/model';
import { EXIT, printer, UsageError } from '../output';
import { parseBounded } from '../parse';
import { ownEngine } from './own-engine';

export const DEFAULT_WEB_PORT = 7460;

/** The built renderer (dist/renderer), found from wherever this module runs (source or bundle). */
export function findRendererDir(from = dirname(fileURLToPath(import.meta.url))): string | null {
  let dir = from;
  for (let i = 0; i < 5; i++) {
    for (const candidate of [join(dir, 'renderer'), join(dir, 'dist', 'renderer')]) {
      if (existsSync(join(candidate, 'index.html')) && existsSync(join(candidate, 'assets'))) return candidate;
    }
    dir = dirname(dir);
  }
  return null;
}

/**
 * `backroom web [--port N]`: hosts the engine and serves the window's UI to a browser on
 * 127.0.0.1, for a headless shop PC reached over an SSH tunnel. The link it prints carries a
 * fresh key in its #fragment; the browser keeps it for that tab only.
 */
export function registerWeb(program: Command, deps: CliDeps): void {
  program
    .command('web')
    .description('run the engine and open Backroom in a browser (on this computer, or over an SSH tunnel)')
    .option('--port <n>', `port on 127.0.0.1 (default ${DEFAULT_WEB_PORT}; 0 picks a free one)`)
    .action(async (opts: { port?: string }, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const print = printer(deps.io, Boolean(globals.json));
      let port: number;
      try {
        port = opts.port === undefined ? DEFAULT_WEB_PORT : parseBounded('--port', opts.port, BOUNDS.port);
      } catch (error) {
        deps.exitCode = print.failure(error);
        return;
      }
      const dataDir = resolveDataDir(globals.dataDir, deps.env);
      let host;
      try {
        host = await ownEngine(
          dataDir,
          'it is the desktop app, `backroom daemon` or the terminal UI. Only one program may own a data folder, so `backroom web` cannot start its own. ' +
            'Quit that one first (tray → Quit, Ctrl+C or SIGTERM for the daemon), then run `backroom web` again.',
        );
      } catch (error) {
        deps.exitCode = print.failure(error);
        return;
      }
      const staticDir = findRendererDir() ?? undefined;
      let server;
      try {
        // The web server and its WebSocket library are loaded by this command only.
        const { newHttpToken, serveHttp } = await import('../../core/api/http-transport');
        server = await serveHttp(host.ctx, { port, token: newHttpToken(), staticDir });
      } catch (error) {
        await host.close();
        const code = (error as NodeJS.ErrnoException).code;
        deps.exitCode = print.failure(code === 'EADDRINUSE' ? new UsageError('--port', `Port ${port} on 127.0.0.1 is already in use; choose another with --port N (0 picks a free one).`) : error);
        return;
      }
      // The link is printed once, on purpose: it is how the merchant opens the page. It is not logged anywhere else.
      if (print.json) {
        deps.io.out(`${JSON.stringify({ ok: true, result: { url: server.pageUrl, port: server.port, dataDir, page: Boolean(staticDir) } }, null, 2)}\n`);
      } else {
        deps.io.out(
          [
            `Backroom is running on ${dataDir} (pid ${process.pid}).`,
            '',
            'Open this link in a browser on this computer (it contains a one-time key; do not share it):',
            `  ${server.pageUrl}`,
            '',
            `From another computer, tunnel the port first:  ssh -L ${server.port}:127.0.0.1:${server.port} you@this-computer`,
            'and open the same link there.',
            staticDir ? '' : 'Note: the page is not built (run `npm run build`); only the API is served.',
            'Press Ctrl+C to stop.',
            '',
          ].join('\n'),
        );
      }
      await new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      });
      await server.close();
      await host.close();
      if (!print.json) deps.io.out('Stopped; everything is saved.\n');
      deps.exitCode = EXIT.ok;
    });
}
