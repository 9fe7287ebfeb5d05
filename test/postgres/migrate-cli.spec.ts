// `backroom migrate --from DIR --to postgres://…` as a merchant runs it: a dry run, the copy, a
// second run that finds nothing left to copy, and clear refusals, with the folder unchanged and the
// database password in no output.
import { afterAll, describe, expect, it } from 'vitest';
import { generateStoreKey } from '../../core/store/postgres/secret-box';
import { cli, removeTempDirs, tempDir } from '../helpers';
import { hashFolder, makeFolder } from './folder';
import { postgresForSuite } from './server';

const started = await postgresForSuite('backroom migrate');

describe.skipIf(!started.ok)('backroom migrate', () => {
  const server = started.ok ? started.server : undefined!;
  afterAll(async () => {
    await server.stop();
    await removeTempDirs();
  }, 180_000);

  it('dry run, copy, then nothing left to copy; the folder unchanged and the password never printed', async () => {
    const db = await server.createDatabase('cli_copy');
    const dir = await makeFolder(300);
    const before = await hashFolder(dir);
    const env = { BACKROOM_STORE_KEY: generateStoreKey() };

    const dry = await cli(['migrate', '--from', dir, '--to', db.url, '--dry-run'], env);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('Dry run: nothing was written.');
    expect(dry.stdout).toMatch(/orders\s+300\s+300/);

    const copy = await cli(['migrate', '--from', dir, '--to', db.url, '--json'], env);
    expect(copy.code).toBe(0);
    const result = JSON.parse(copy.stdout) as { ok: true; result: { dryRun: boolean; to: string; tables: { table: string; rows: number; copied: number }[] } };
    expect(result.result.dryRun).toBe(false);
    expect(result.result.to).toBe(`postgres://${db.user}@127.0.0.1:${server.port}/cli_copy`);
    expect(result.result.tables.find((t) => t.table === 'orders')).toEqual(expect.objectContaining({ rows: 300, copied: 300 }));

    const again = await cli(['migrate', '--from', dir, '--to', db.url], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('(continuing an earlier copy)');
    expect(again.stdout).toMatch(/orders\s+300\s+0/);

    expect(await hashFolder(dir)).toEqual(before);
    for (const run of [dry, copy, again]) expect(run.stdout + run.stderr).not.toContain(db.password);
  }, 240_000);

  it('refuses what it cannot do, saying what is wrong, with exit code 2 for bad input and 1 for a failed connection', async () => {
    const db = await server.createDatabase('cli_refusals');
    const dir = await makeFolder(5);
    const empty = await tempDir('br-empty-');
    const key = { BACKROOM_STORE_KEY: generateStoreKey() };
    const cases: [string[], Record<string, string>, number, string][] = [
      [['migrate', '--from', dir], key, 2, 'Give the PostgreSQL store to copy into with --to'],
      [['migrate', '--from', dir, '--to', 'mysql://x@h/db'], key, 2, 'must start with postgres:// or postgresql://'],
      [['migrate', '--from', dir, '--to', db.url], {}, 2, 'A PostgreSQL store needs a key to encrypt shop and CRM keys'],
      [['migrate', '--from', empty, '--to', db.url], key, 2, 'is not a Backroom data folder'],
      [['migrate', '--from', dir, '--to', db.url.replace(`:${encodeURIComponent(db.password)}@`, ':Wrong-Pa55word@')], key, 1, 'refused the password'],
    ];
    for (const [args, env, code, message] of cases) {
      const run = await cli(args, env);
      expect({ args: args.join(' '), code: run.code }).toEqual({ args: args.join(' '), code });
      expect(run.stdout + run.stderr).toContain(message);
      expect(run.stdout + run.stderr).not.toContain(db.password);
      expect(run.stdout + run.stderr).not.toContain('Wrong-Pa55word');
    }
  }, 240_000);
});
