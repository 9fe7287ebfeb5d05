import type { Command } from 'commander';
import { resolveDataDir } from '../../core/store/paths';
import { redact } from '../../core/store/redact';
import type { CliDeps, GlobalOptions } from '../context';
import { EXIT, printer } from '../output';
import { ownEngine } from './own-engine';

/**
 * `backroom daemon`: hosts the engine headless until SIGINT/SIGTERM, then stops each job after the
 * request it has in flight (a long CRM backlog is not worked through: it waits in the queue for the
 * next start), flushes the store and exits 0 — well inside a service manager's 90 s. Other front
 * ends attach to it over the local socket.
 */
export function registerDaemon(program: Command, deps: CliDeps): void {
  program
    .command('daemon')
    .description('run the engine in the background: timed syncs, pushes and the local API (stop with Ctrl+C or SIGTERM)')
    .action(async (_opts: unknown, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const print = printer(deps.io, Boolean(globals.json));
      const dataDir = resolveDataDir(globals.dataDir, deps.env);
      let host;
      try {
        host = await ownEngine(dataDir, 'commands attach to it automatically.');
      } catch (error) {
        deps.exitCode = print.failure(error);
        return;
      }
      const log = (line: string) => {
        if (!print.json) deps.io.out(`${new Date().toISOString()} ${redact(line)}\n`);
      };
      log(`Backroom engine running on ${dataDir} (pid ${process.pid}). Press Ctrl+C to stop.`);
      host.ctx.events.on('job', (e) => {
        if (e.state !== 'running' || e.message) log(`${e.job} ${e.target}: ${e.state}${e.message ? ` — ${e.message}` : ''}`);
      });
      await new Promise<void>((resolve) => {
        const stop = (signal: string) => {
          log(`${signal} received: stopping after the requests in flight and saving; queued work resumes at the next start.`);
          resolve();
        };
        process.once('SIGINT', () => stop('SIGINT'));
        process.once('SIGTERM', () => stop('SIGTERM'));
      });
      await host.close();
      print.result({ stopped: true, dataDir }, () => 'Engine stopped; everything is saved.');
      deps.exitCode = EXIT.ok;
    });
}
