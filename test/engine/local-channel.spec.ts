// The local channel: the socket sits in a folder only this user can enter, a folder that belongs to
// someone else is refused, connections that never authenticate are closed, and there is a cap on
// how many may be open at once.
import { chown, mkdir, stat } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connectSocket, prepareEndpoint, serveSocket } from '../../core/api/socket-transport';
import { hostEngine, type EngineHost } from '../../core/host/host';
import { removeTempDirs, tempDir, waitFor } from '../helpers';

const posix = process.platform !== 'win32';
const hosts: EngineHost[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  sockets.splice(0).forEach((s) => s.destroy());
  for (const h of hosts.splice(0)) await h.close();
  await removeTempDirs();
});

/** A data directory whose path is too long for a Unix socket inside it (the limit is ~104 bytes). */
async function longDataDir(): Promise<string> {
  const base = await tempDir('br-chan-');
  const dir = join(base, 'a-rather-long-folder-name-for-the-shop-data'.repeat(2), 'and-deeper-still');
  await mkdir(dir, { recursive: true });
  return dir;
}

describe.runIf(posix)('where the socket lives', () => {
  it('with a long data folder path, the socket goes to a folder only this user can enter (not straight into the shared temp folder)', async () => {
    const dataDir = await longDataDir();
    const tmp = await tempDir('br-tmp-');
    const endpoint = await prepareEndpoint(dataDir, { env: {}, tmp });
    expect(endpoint.length).toBeLessThan(100);
    const folder = join(endpoint, '..');
    expect(folder).not.toBe(tmp);
    const info = await stat(folder);
    expect(info.mode & 0o777).toBe(0o700);
    expect(info.uid).toBe(process.getuid!());
  });

  it('a short data folder keeps the socket inside it, and the folder is made private', async () => {
    const dataDir = await tempDir('br-chan-');
    const endpoint = await prepareEndpoint(dataDir, { env: {}, tmp: await tempDir('br-tmp-') });
    expect(endpoint).toBe(join(dataDir, 'engine.sock'));
    expect((await stat(dataDir)).mode & 0o077).toBe(0);
  });

  it('uses XDG_RUNTIME_DIR when it is private to this user', async () => {
    const runtime = await tempDir('br-xdg-');
    const endpoint = await prepareEndpoint(await longDataDir(), { env: { XDG_RUNTIME_DIR: runtime }, tmp: await tempDir('br-tmp-') });
    expect(endpoint.startsWith(runtime)).toBe(true);
  });

  it('refuses a socket folder that already exists and belongs to another user', async (ctx) => {
    if (process.getuid!() !== 0) return ctx.skip('needs root to create a folder owned by another user');
    const tmp = await tempDir('br-tmp-');
    const dataDir = await longDataDir();
    // Another user got there first, under the name Backroom would use.
    const planted = join(tmp, `backroom-${process.getuid!()}`);
    await mkdir(planted, { mode: 0o777 });
    try {
      await chown(planted, 65534, 65534); // nobody
    } catch (error) {
      return ctx.skip(`cannot hand a folder to another user here (${(error as Error).message})`);
    }
    await expect(prepareEndpoint(dataDir, { env: {}, tmp })).rejects.toThrow(/belongs to another user/);
    // The same for the data folder itself: a socket is never put where someone else rules.
    const foreign = await tempDir('br-chan-');
    await chown(foreign, 65534, 65534);
    await expect(prepareEndpoint(foreign, { env: {}, tmp })).rejects.toThrow(/belongs to another user/);
  });
});

describe.runIf(posix)('connections', () => {
  async function serve(options: { authTimeoutMs?: number; maxConnections?: number }) {
    const dataDir = await tempDir('br-chan-');
    const host = (await hostEngine({ dataDir }))!;
    hosts.push(host);
    const endpoint = await prepareEndpoint(dataDir, { env: {}, tmp: await tempDir('br-tmp-') });
    const server = await serveSocket(host.ctx, endpoint, 'the-token', options);
    hosts.push({ ...host, close: () => server.close() });
    return endpoint;
  }

  function rawConnection(endpoint: string): Promise<{ socket: Socket; closed: () => boolean; data: () => string }> {
    return new Promise((resolve, reject) => {
      const socket = connect(endpoint);
      sockets.push(socket);
      let closed = false;
      let data = '';
      socket.on('data', (d: Buffer) => (data += d.toString('utf8')));
      socket.on('close', () => (closed = true));
      socket.on('error', () => undefined);
      socket.once('connect', () => resolve({ socket, closed: () => closed, data: () => data }));
      socket.once('error', reject);
    });
  }

  it('a connection that never says hello is closed after the authentication timeout', async () => {
    const endpoint = await serve({ authTimeoutMs: 1000 });
    const silent = await rawConnection(endpoint);
    await waitFor(() => silent.closed(), 30_000, 'the silent connection to be closed');
    // An authenticated client on the same server is not affected.
    const client = await connectSocket(endpoint, 'the-token', 30_000);
    expect((await client.call('status')).dataDir).toBeTruthy();
    await client.close();
  });

  it('connections beyond the cap are refused with a message; the others keep working', async () => {
    const endpoint = await serve({ maxConnections: 3 });
    const clients = [];
    for (let i = 0; i < 3; i++) clients.push(await connectSocket(endpoint, 'the-token', 30_000));
    const extra = await rawConnection(endpoint);
    await waitFor(() => extra.closed(), 30_000, 'the extra connection to be closed');
    expect(extra.data()).toMatch(/too many connections/);
    expect((await clients[0]!.call('status')).dataDir).toBeTruthy();
    for (const c of clients) await c.close();
  });

  it('a request too big for one message is refused in words before it is sent, and the connection keeps working', async () => {
    const endpoint = await serve({});
    const client = await connectSocket(endpoint, 'the-token', 30_000);
    const csv = 'sku,location,quantity\n' + 'SKU-1,WH,1\n'.repeat(3_200_000); // ~35 MB
    const error = await client.call('stock.import', { csv, dryRun: true }).then(() => null, (e: Error & { code?: string }) => e);
    expect(error?.message).toMatch(/more than the 32 MB the engine accepts in one message; nothing was sent or changed/);
    expect((await client.call('status')).dataDir).toBeTruthy();
    await client.close();
  });

  it('before the token, a big frame closes the connection at once (no 32 MB buffered for a stranger)', async () => {
    const endpoint = await serve({ authTimeoutMs: 60_000 });
    const stranger = await rawConnection(endpoint);
    const header = Buffer.alloc(4);
    header.writeUInt32BE(10 * 1024 * 1024, 0);
    stranger.socket.write(header);
    await waitFor(() => stranger.closed(), 30_000, 'the stranger to be disconnected');
  });
});
