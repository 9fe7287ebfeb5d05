import { Command, CommanderError } from 'commander';
import { registerCrm } from './commands/crm';
import { registerIssues } from './commands/issues';
import { registerShops } from './commands/shops';
import { registerStock } from './commands/stock';
import { registerLedger } from './commands/ledger';
import { registerSync } from './commands/sync';
import { registerDaemon } from './commands/daemon';
import { registerDemo } from './commands/demo';
import { registerCarts } from './commands/carts';
import { registerSystem } from './commands/system';
import { registerWeb } from './commands/web';
import { registerTui } from './commands/tui';
import { registerMigrate } from './commands/migrate';
import { registerCatalogue } from './commands/catalogue';
import type { CliDeps } from './context';
import { EXIT, printer, UsageError } from './output';

export const VERSION = '0.1.0';

/** Builds the `backroom` command tree. Every command shares --data-dir and --json. */
export function buildProgram(deps: CliDeps, writeOut: (text: string) => void = (text) => deps.io.out(text)): Command {
  const program = new Command('backroom')
    .description('Backroom: keeps your shops, stock, shipping, carts and CRM in step, from your own computer.')
    .version(VERSION)
    .option('--data-dir <dir>', 'data directory (default: BACKROOM_HOME, else your user data folder)')
    .option('--json', 'print one JSON document on stdout and nothing else')
    .showHelpAfterError('(add --help for usage)')
    .enablePositionalOptions(false);

  registerSystem(program, deps);
  registerStock(program, deps);
  registerLedger(program, deps);
  registerShops(program, deps);
  registerIssues(program, deps);
  registerCrm(program, deps);
  registerSync(program, deps);
  registerDaemon(program, deps);
  registerWeb(program, deps);
  registerDemo(program, deps);
  registerCarts(program, deps);
  registerTui(program, deps);
  registerMigrate(program, deps);
  registerCatalogue(program, deps);

  // Apply the same output and exit handling to every command, however deep.
  const configure = (command: Command) => {
    command.exitOverride();
    command.configureOutput({ writeOut, writeErr: (s) => deps.io.err(s) });
    command.commands.forEach(configure);
  };
  configure(program);
  return program;
}

/** Runs the CLI on `argv` (without `node backroom`) and returns the exit code. */
export async function runCli(argv: string[], deps: CliDeps): Promise<number> {
  const json = argv.includes('--json');
  // With --json, help and version text (`--name -V` asks for it too) still come as one JSON document.
  let commanderText = '';
  const program = buildProgram(deps, json ? (text) => void (commanderText += text) : undefined);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return deps.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') {
        if (json) printer(deps.io, true).result({ text: commanderText }, () => commanderText);
        return EXIT.ok;
      }
      if (json) {
        // Commander already wrote its message to stderr; --json callers also get it as JSON on stdout.
        // The field is the flag, argument or command commander quotes first ('--location', 'name', 'frobnicate').
        const field = /'([^' ]+)/.exec(error.message)?.[1] ?? 'arguments';
        printer(deps.io, true).failure(new UsageError(field, error.message.replace(/^error: /, '')));
      }
      return EXIT.usage;
    }
    return printer(deps.io, json).failure(error);
  }
}
