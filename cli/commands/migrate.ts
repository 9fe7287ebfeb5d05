import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { openStore } from '../../core/store';
import { FILES, mainSpec } from '../../core/store/layout';
import { tryLockDataDir } from '../../core/store/lock';
import { openSecretStore } from '../../core/store/secrets';
import type { CopyReport } from '../../core/store/postgres/copy-folder';
import { action, type CliDeps } from '../context';
import { table, UsageError } from '../output';

function formatReport(report: CopyReport, target: string): string {
  const rows = table(['TABLE', 'ROWS', report.dryRun ? 'WOULD COPY' : 'COPIED NOW', 'CHECKSUM'], report.tables.map((t) => [t.table, t.rows, report.dryRun ? t.rows : t.copied, t.checksum]));
  const head = report.dryRun
    ? `Dry run: nothing was written. This would be copied to ${target}:`
    : `Copied to ${target}${report.resumed ? ' (continuing an earlier copy)' : ''}; every table matches the folder by row count and checksum:`;
  return `${head}\n${rows}\nThe data folder was only read; it is unchanged.`;
}

/** A folder this Backroom can read without changing it: it has settings, written by this version of the layout. */
function checkFolder(dir: string): void {
  const main = join(dir, FILES.main);
  if (!existsSync(main)) throw new UsageError('from', `${dir} is not a Backroom data folder (it has no ${FILES.main}).`);
  let version: unknown;
  try {
    version = (JSON.parse(readFileSync(main, 'utf8')) as { schemaVersion?: unknown }).schemaVersion;
  } catch {
    throw new UsageError('from', `${main} cannot be read as JSON; repair the folder (or restore a backup) before copying it.`);
  }
  // Opening an older folder would upgrade it in place; the copy must leave the folder as it is.
  if (version !== mainSpec.version) {
    throw new UsageError('from', `${dir} was written by ${typeof version === 'number' && version > mainSpec.version ? 'a newer' : 'an older'} Backroom (settings version ${String(version)}; this one writes ${mainSpec.version}). Open it once with this Backroom first, then copy it.`);
  }
}

export function registerMigrate(program: Command, deps: CliDeps): void {
  program
    .command('migrate')
    .description('copy a data folder into a PostgreSQL store (the folder is only read), resumable and verified table by table')
    .requiredOption('--from <dir>', 'the data folder to copy')
    .option('--to <address>', 'the PostgreSQL store, postgres://user:password@host:port/database (default: BACKROOM_STORE)')
    .option('--dry-run', 'count what would be copied; write nothing')
    .action(action(deps, async ({ print }, opts: { from: string; to?: string; dryRun?: boolean }) => {
      const dir = resolve(opts.from);
      const to = opts.to ?? deps.env.BACKROOM_STORE;
      if (!to) throw new UsageError('to', 'Give the PostgreSQL store to copy into with --to postgres://… (or set BACKROOM_STORE).');
      // The PostgreSQL store (pg and pg-boss, some hundred files) is loaded by this command only.
      const [{ parseStoreAddress, StoreAddressError }, { loadStoreKey, StoreKeyError }, { copyFolder }, { loadMigrations }, { openStorePool }] = await Promise.all([
        import('../../core/store/postgres/connection'),
        import('../../core/store/postgres/secret-box'),
        import('../../core/store/postgres/copy-folder'),
        import('../../core/store/postgres/migrate'),
        import('../../core/store/postgres/pool'),
      ]);
      let address;
      let key;
      try {
        address = parseStoreAddress(to);
        key = await loadStoreKey(deps.env);
      } catch (error) {
        if (error instanceof StoreAddressError || error instanceof StoreKeyError) throw new UsageError(error instanceof StoreKeyError ? 'BACKROOM_STORE_KEY' : 'to', error.message);
        throw error;
      }
      checkFolder(dir);
      // Nothing may write the folder while it is read: no engine, no desktop app.
      const release = await tryLockDataDir(dir);
      if (!release) throw new Error(`Backroom is running on ${dir} (the desktop app, backroom daemon or the terminal UI). Stop it, then copy the folder.`);
      try {
        const source = await openStore(dir, { secrets: await openSecretStore(dir, deps.env) });
        const target = await openStorePool(address);
        try {
          const report = await copyFolder({ source, target, schema: address.schema, key, migrations: await loadMigrations(), dryRun: Boolean(opts.dryRun) });
          print.result({ ...report, to: address.display, from: dir }, () => formatReport(report, address.display));
        } finally {
          await target.close();
        }
      } finally {
        await release();
      }
    }));
}
