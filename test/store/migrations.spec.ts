// Schema versions: an older file is migrated (original kept in backups/before-schema-N/); a newer,
// corrupt or invalid file is refused with a message naming the file and what to do, and left
// byte for byte as it was.
import { readFile, writeFile, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore, StoreFileError } from '../../core/store';
import { cliJson, okResult, removeTempDirs, tempDir } from '../helpers';

afterAll(removeTempDirs);

const schema1 = {
  schemaVersion: 1,
  settings: {},
  shops: [],
  locations: [{ name: 'Warehouse', addedAt: '2025-01-02T03:04:05.000Z' }],
  crms: [],
  rules: [],
  cursors: {
    'Main shop': { ordersModifiedAfter: '2025-03-01T00:00:00.000Z', lastRun: {}, lastSent: { 'TS-1': 4 }, orderCount: 42 },
    Outlet: { lastRun: {}, lastSent: {}, orderCount: 7 },
  },
  createdAt: '2025-01-02T03:04:05.000Z',
};

async function dataDirWith(files: Record<string, string>): Promise<string> {
  const dir = await tempDir();
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  return dir;
}

async function expectRefused(dir: string, file: string, reason: StoreFileError['reason'], message: RegExp): Promise<StoreFileError> {
  const before = await readFile(join(dir, file));
  const error = await openStore(dir).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StoreFileError);
  const refused = error as StoreFileError;
  expect(refused.reason).toBe(reason);
  expect(refused.message).toContain(join(dir, file));
  expect(refused.message).toMatch(message);
  // Untouched, byte for byte, and nothing written beside it.
  expect((await readFile(join(dir, file))).equals(before)).toBe(true);
  expect((await readdir(dir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  return refused;
}

describe('migrations', () => {
  it('migrates a schema-1 backroom.json to schema 3 and keeps the original in backups/before-schema-2/', async () => {
    const original = JSON.stringify(schema1, null, 2);
    const dir = await dataDirWith({ 'backroom.json': original });
    const store = await openStore(dir);
    expect(store.main.data.schemaVersion).toBe(3);
    expect(store.cursors.orderCounts()).toEqual({ 'Main shop': 42, Outlet: 7 });
    expect(store.cursors.of('Main shop')).toEqual({ ordersModifiedAfter: '2025-03-01T00:00:00.000Z', lastRun: {}, lastSent: { 'TS-1': 4 } });
    expect(store.main.data.locations.map((l) => l.name)).toEqual(['Warehouse']);
    await store.flush();

    const onDisk = JSON.parse(await readFile(join(dir, 'backroom.json'), 'utf8')) as Record<string, unknown>;
    expect(onDisk.schemaVersion).toBe(3);
    expect(onDisk).not.toHaveProperty('cursors');
    expect(onDisk).not.toHaveProperty('orderCounts');
    expect(JSON.parse(await readFile(join(dir, 'cursors.json'), 'utf8'))).toMatchObject({ schemaVersion: 1, orderCounts: { 'Main shop': 42, Outlet: 7 } });
    expect(await readFile(join(dir, 'backups', 'before-schema-2', 'backroom.json'), 'utf8')).toBe(original);

    // Opening again does not migrate again (and does not overwrite the pre-migration copy).
    const again = await openStore(dir);
    expect(again.cursors.orderCounts()).toEqual({ 'Main shop': 42, Outlet: 7 });
    expect(again.cursors.of('Main shop').ordersModifiedAfter).toBe('2025-03-01T00:00:00.000Z');
    expect(await readFile(join(dir, 'backups', 'before-schema-2', 'backroom.json'), 'utf8')).toBe(original);
  });

  it('moves a schema-2 folder\'s sync markers out of backroom.json into cursors.json, losing none', async () => {
    const cursors = {
      'Main shop': { ordersModifiedAfter: '2026-10-01T12:00:00.000Z', cartsModifiedAfter: '2026-10-01T11:00:00.000Z', lastRun: { orders: '2026-10-01T12:00:05.000Z', reconcile: '2026-10-01T11:30:00.000Z' }, lastSent: { 'TS-1': 4, MUG: 0 } },
      Outlet: { lastRun: {}, lastSent: {} },
    };
    const original = JSON.stringify({ ...schema1, schemaVersion: 2, cursors, orderCounts: { 'Main shop': 1200, Outlet: 3 } });
    const dir = await dataDirWith({ 'backroom.json': original });
    const store = await openStore(dir);
    expect(store.cursors.of('Main shop')).toEqual(cursors['Main shop']);
    expect(store.cursors.of('Outlet')).toEqual(cursors.Outlet);
    expect(store.cursors.orderCounts()).toEqual({ 'Main shop': 1200, Outlet: 3 });
    expect(await readFile(join(dir, 'backups', 'before-schema-3', 'backroom.json'), 'utf8')).toBe(original);
    const settings = JSON.parse(await readFile(join(dir, 'backroom.json'), 'utf8')) as Record<string, unknown>;
    expect(settings.schemaVersion).toBe(3);
    expect(settings).not.toHaveProperty('cursors');

    // Changing what was read changes nothing stored: markers move only through a checkpoint.
    const view = store.cursors.of('Main shop');
    view.lastSent['TS-1'] = 99;
    expect(store.cursors.of('Main shop').lastSent['TS-1']).toBe(4);
    await store.main.save();
    const reopened = await openStore(dir);
    expect(reopened.cursors.of('Main shop')).toEqual(cursors['Main shop']);
  });

  it('keeps the markers when the migration was interrupted after cursors.json was written', async () => {
    const cursors = { 'Main shop': { ordersModifiedAfter: '2026-10-01T12:00:00.000Z', lastRun: {}, lastSent: {} } };
    const v2 = JSON.stringify({ ...schema1, schemaVersion: 2, cursors, orderCounts: { 'Main shop': 5 } });
    // As a kill leaves it: cursors.json already carried over, backroom.json still schema 2.
    const carried = JSON.stringify({ schemaVersion: 1, shops: cursors, orderCounts: { 'Main shop': 5 } });
    const dir = await dataDirWith({ 'backroom.json': v2, 'cursors.json': carried });
    const store = await openStore(dir);
    expect(store.cursors.of('Main shop').ordersModifiedAfter).toBe('2026-10-01T12:00:00.000Z');
    expect(store.cursors.orderCount('Main shop')).toBe(5);
    expect(store.main.data.schemaVersion).toBe(3);
  });

  it('refuses a cursors.json that a newer Backroom wrote', async () => {
    const dir = await dataDirWith({ 'cursors.json': JSON.stringify({ schemaVersion: 7, shops: {}, orderCounts: {} }) });
    await expectRefused(dir, 'cursors.json', 'newer-version', /schema 7/);
  });

  it('opens a schema-1 data directory through the CLI', async () => {
    const dir = await dataDirWith({ 'backroom.json': JSON.stringify(schema1) });
    const { code, doc } = await cliJson<{ locations: number }>(dir, ['status']);
    expect(code).toBe(0);
    expect(okResult(doc).locations).toBe(1);
    expect(JSON.parse(await readFile(join(dir, 'backroom.json'), 'utf8'))).toMatchObject({ schemaVersion: 3 });
  });

  it('refuses a file written by a newer Backroom, naming the file and what to do', async () => {
    const dir = await dataDirWith({ 'backroom.json': JSON.stringify({ ...schema1, schemaVersion: 4, future: true }) });
    await expectRefused(dir, 'backroom.json', 'newer-version', /newer Backroom.*schema 4.*Install the newer Backroom/s);
  });

  it('refuses a newer stock.json too, and leaves backroom.json alone', async () => {
    const dir = await dataDirWith({ 'stock.json': JSON.stringify({ schemaVersion: 9, items: {}, commitments: {} }) });
    await expectRefused(dir, 'stock.json', 'newer-version', /schema 9/);
    expect(await readdir(dir)).not.toContain('backroom.json');
  });

  it('refuses a truncated file, byte for byte unchanged', async () => {
    const full = JSON.stringify({ ...schema1, schemaVersion: 2, orderCounts: {} });
    const dir = await dataDirWith({ 'backroom.json': full.slice(0, Math.floor(full.length / 2)) });
    await expectRefused(dir, 'backroom.json', 'corrupt', /not valid JSON.*left it untouched.*backups/s);
  });

  it('refuses a file that is not JSON at all, and an empty one', async () => {
    const dir = await dataDirWith({ 'backroom.json': '\u0000\u0001garbage from a bad disk\n' });
    await expectRefused(dir, 'backroom.json', 'corrupt', /not valid JSON/);
    const empty = await dataDirWith({ 'issues.json': '' });
    await expectRefused(empty, 'issues.json', 'corrupt', /not valid JSON/);
  });

  it('refuses a file without a schemaVersion', async () => {
    const dir = await dataDirWith({ 'backroom.json': '[1,2,3]' });
    await expectRefused(dir, 'backroom.json', 'invalid', /no schemaVersion/);
  });

  it('names an invalid field in the message', async () => {
    const bad = { ...schema1, schemaVersion: 2, orderCounts: {}, locations: [{ name: '', addedAt: 'x' }] };
    const dir = await dataDirWith({ 'backroom.json': JSON.stringify(bad) });
    const error = await expectRefused(dir, 'backroom.json', 'invalid', /field locations\.0\.name/);
    expect(error.message).toMatch(/left the file untouched/);
  });

  it('names an invalid field of an older file without migrating it', async () => {
    const bad = { ...schema1, shops: [{ name: 'Broken' }] };
    const text = JSON.stringify(bad);
    const dir = await dataDirWith({ 'backroom.json': text });
    await expectRefused(dir, 'backroom.json', 'invalid', /field shops\.0/);
  });

  it('through the CLI: a refused file exits 1 with the file named in the JSON error', async () => {
    const dir = await dataDirWith({ 'backroom.json': '{"schemaVersion": 2,' });
    const before = await readFile(join(dir, 'backroom.json'));
    const { code, doc } = await cliJson(dir, ['status']);
    expect(code).toBe(1);
    expect(doc.ok).toBe(false);
    if (!doc.ok) expect(doc.error.message).toContain(join(dir, 'backroom.json'));
    expect((await readFile(join(dir, 'backroom.json'))).equals(before)).toBe(true);
  });
});
