// One owner per data directory: an engine in a child process serves the API over the local
// socket; other processes attach as clients with the token; a wrong token is refused; a lock
// left by a SIGKILLed owner is recovered at once; direct CLI writers take turns under the lock.
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../core/api/errors';
import { connectSocket } from '../../core/api/socket-transport';
import { attachToEngine, hostEngine, openApi } from '../../core/host/host';
import { readOwnerInfo } from '../../core/store';
import { BIN, ensureCliBuilt, removeTempDirs, ROOT, runBin, spawnTs, tempDir, type Child, type CliRun } from '../helpers';
import { readStockOnDisk } from '../../core/store/stock-log';

const children: Child[] = [];
function startEngine(dataDir: string): Child {
  const child = spawnTs('test/fixtures/host-engine.ts', [dataDir]);
  children.push(child);
  return child;
}
async function stop(child: Child): Promise<void> {
  if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGTERM');
  await child.exited;
}

beforeAll(ensureCliBuilt, 60_000);
afterEach(async () => {
  for (const child of children.splice(0)) await stop(child);
});
afterAll(removeTempDirs);

describe('two processes on one data directory', () => {
  it('a second process attaches to the engine as a client', async () => {
    const dir = await tempDir();
    const engine = startEngine(dir);
    const ready = await engine.waitForLine((l) => l.startsWith('ready '));
    const pid = Number(ready.split(' ')[1]);

    const client = await attachToEngine(dir);
    expect(client).not.toBeNull();
    try {
      expect(client!.via).toBe('engine');
      const status = await client!.call('status');
      expect(status.via).toBe('engine');
      expect(status.engine?.pid).toBe(pid);
      // A write made through the engine is the engine's to persist.
      await client!.call('location.add', { name: 'Warehouse' });
      expect((await client!.call('location.list')).map((l) => l.name)).toEqual(['Warehouse']);
      const onDisk = JSON.parse(await readFile(join(dir, 'backroom.json'), 'utf8')) as { locations: { name: string }[] };
      expect(onDisk.locations.map((l) => l.name)).toEqual(['Warehouse']);
      // Bad parameters come back as an ApiError naming the field, over the wire too.
      await expect(client!.call('stock.set', { sku: 'A', quantity: -1, location: 'Warehouse' })).rejects.toMatchObject({ code: 'bad-input', field: 'quantity' });
    } finally {
      await client!.close();
    }

    // openApi (what the CLI uses) attaches too, and this process cannot take the lock meanwhile.
    const api = await openApi({ dataDir: dir });
    expect(api.via).toBe('engine');
    await api.close();
    expect(await hostEngine({ dataDir: dir, lock: { waitMs: 0 } })).toBeNull();
  });

  it('refuses a client with a wrong token', async () => {
    const dir = await tempDir();
    const engine = startEngine(dir);
    await engine.waitForLine((l) => l.startsWith('ready '));
    const owner = await readOwnerInfo(dir);
    expect(owner?.endpoint).toBeTruthy();
    const token = (await readFile(join(dir, 'engine.token'), 'utf8')).trim();
    const wrong = token.replace(/^./, (c) => (c === 'a' ? 'b' : 'a'));
    const error = await connectSocket(owner!.endpoint, wrong).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('unauthorized');
    const empty = await connectSocket(owner!.endpoint, '').then(() => null, (e: unknown) => e);
    expect((empty as ApiError).code).toBe('unauthorized');
    // The right token still works afterwards.
    const good = await connectSocket(owner!.endpoint, token);
    expect((await good.call('status')).via).toBe('engine');
    await good.close();
  });

  it('recovers the lock left by an owner killed with SIGKILL', async () => {
    const dir = await tempDir();
    const engine = startEngine(dir);
    await engine.waitForLine((l) => l.startsWith('ready '));
    engine.process.kill('SIGKILL');
    await engine.exited;
    // The lock directory, the endpoint file and the socket are all still there, from a dead pid.
    expect(await readOwnerInfo(dir)).toBeDefined();
    // No waiting for the stale period: with no retries at all, the lock is taken at once.
    const host = await hostEngine({ dataDir: dir, serve: true, lock: { waitMs: 0 } });
    expect(host).not.toBeNull();
    try {
      const client = await attachToEngine(dir);
      expect((await client!.call('status')).engine?.pid).toBe(process.pid);
      await client!.close();
    } finally {
      await host!.close();
    }
  });

  it('the CLI recovers a SIGKILLed engine\'s lock and stale socket by itself', async () => {
    const dir = await tempDir();
    const engine = startEngine(dir);
    await engine.waitForLine((l) => l.startsWith('ready '));
    engine.process.kill('SIGKILL');
    await engine.exited;
    const run = await runBin(['--data-dir', dir, 'status', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect((JSON.parse(run.stdout) as { result: { via: string } }).result.via).toBe('direct');
  });

  it('a CLI command is answered by the running engine and never opens the store itself', async () => {
    const dir = await tempDir();
    const engine = startEngine(dir);
    const ready = await engine.waitForLine((l) => l.startsWith('ready '));
    const pid = Number(ready.split(' ')[1]);

    // Make the data files unusable to anyone who would open them now: only the engine, which read
    // them at start-up, can answer. A CLI that opened the store itself would fail on this file.
    const mainFile = join(dir, 'backroom.json');
    const good = await readFile(mainFile);
    await writeFile(mainFile, '{ not json');
    const status = await runBin(['--data-dir', dir, 'status', '--json']);
    await writeFile(mainFile, good);
    expect(status.code, status.stdout).toBe(0);
    const doc = JSON.parse(status.stdout) as { ok: boolean; result: { via: string; engine: { pid: number } } };
    expect(doc.result.via).toBe('engine');
    expect(doc.result.engine.pid).toBe(pid);

    // A write through the CLI lands in the engine's memory and on disk, written by the engine.
    const add = await runBin(['--data-dir', dir, 'location', 'add', 'Shop floor', '--json']);
    expect(add.code).toBe(0);
    const client = await attachToEngine(dir);
    expect((await client!.call('location.list')).map((l) => l.name)).toEqual(['Shop floor']);
    await client!.close();
    // The engine still holds the lock: the CLI never took it.
    expect((await readOwnerInfo(dir))?.pid).toBe(pid);
  });

  it('two concurrent direct CLI writers take turns, and both changes land', async () => {
    const dir = await tempDir();
    expect((await runBin(['--data-dir', dir, 'location', 'add', 'Warehouse'])).code).toBe(0);
    const runs = await Promise.all(['A', 'B', 'C', 'D'].map((sku, i) =>
      new Promise<CliRun>((resolve) => {
        const child = spawn(process.execPath, [BIN, '--data-dir', dir, 'stock', 'set', `SKU-${sku}`, String(10 + i), '--location', 'Warehouse', '--json'], { cwd: ROOT, env: { ...process.env, BACKROOM_SECRETS: 'file' } });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
      })));
    for (const run of runs) expect(run, run.stderr).toMatchObject({ code: 0 });
    for (const run of runs) expect((JSON.parse(run.stdout) as { result: { via?: string } }).result).toBeDefined();
    // stock.json with its change log applied: what the next open reads.
    const stock = (await readStockOnDisk(dir)) as { items: Record<string, { onHand: Record<string, number> }> };
    expect(Object.fromEntries(Object.entries(stock.items).map(([k, v]) => [k, v.onHand.Warehouse]))).toEqual({ 'SKU-A': 10, 'SKU-B': 11, 'SKU-C': 12, 'SKU-D': 13 });
    // Nobody holds the lock afterwards.
    const host = await hostEngine({ dataDir: dir, lock: { waitMs: 0 } });
    expect(host).not.toBeNull();
    await host!.close();
  });
});
