// The HTTP/WebSocket transport over real HTTP on 127.0.0.1 against a real engine on a temp data dir.
import { request } from 'node:http';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { hostEngine, type EngineHost } from '../host/host';
import { httpClient, type WebSocketFactory } from './http-client';
import { PAGE_CSP, serveHttp, staticPath, type HttpServer } from './http-transport';
import type { ApiError } from './errors';

process.env.BACKROOM_SECRETS = 'file';

const TOKEN = 'a'.repeat(64);
let dir: string;
let host: EngineHost;
let server: HttpServer;

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json(): { ok: boolean; result?: unknown; error?: { code: string; message: string; field?: string } };
}

/** A raw HTTP request, so the test controls every header (fetch would not let it set Host). */
function raw(method: string, path: string, options: { headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, method, path, headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) as ReturnType<Raw['json']> });
      });
    });
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

const apiHeaders = (extra: Record<string, string> = {}) => ({ 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, ...extra });
const post = (method: string, params: unknown, headers: Record<string, string> = apiHeaders()) => raw('POST', `/api/${method}`, { headers, body: JSON.stringify(params) });

/** Opens a WebSocket to /events and resolves with how it ended or with the first event. */
function openEvents(headers: Record<string, string> = {}) {
  return new WebSocket(`ws://127.0.0.1:${server.port}/events`, { headers });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'br-http-'));
  const staticDir = join(dir, 'renderer');
  await mkdir(join(staticDir, 'assets'), { recursive: true });
  await writeFile(join(staticDir, 'index.html'), '<!doctype html><title>Backroom</title>');
  await writeFile(join(staticDir, 'assets', 'app.js'), 'console.log(1)');
  await writeFile(join(dir, 'secret.txt'), 'do not serve');
  host = (await hostEngine({ dataDir: join(dir, 'data'), serve: false }))!;
  server = await serveHttp(host.ctx, { token: TOKEN, staticDir, maxBodyBytes: 64 * 1024 });
});

afterAll(async () => {
  await server?.close();
  await host?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('HTTP transport: calls', () => {
  it('listens on 127.0.0.1 and hands out a page URL with the token in the fragment only', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.pageUrl).toBe(`${server.url}/#token=${TOKEN}`);
  });

  it('refuses a call without the token, or with a wrong one, with 401', async () => {
    const none = await post('status', {}, { 'content-type': 'application/json' });
    expect(none.status).toBe(401);
    expect(none.json()).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    const wrong = await post('status', {}, apiHeaders({ authorization: `Bearer ${'b'.repeat(64)}` }));
    expect(wrong.status).toBe(401);
    expect(wrong.text).not.toContain(TOKEN);
  });

  it('answers a good call with {ok:true,result}', async () => {
    const added = await post('location.add', { name: 'Warehouse' });
    expect(added.status).toBe(200);
    expect(added.json()).toMatchObject({ ok: true, result: { name: 'Warehouse' } });
    const set = await post('stock.set', { sku: 'TS-RED-M', quantity: 12, location: 'Warehouse' });
    expect(set.json()).toMatchObject({ ok: true, result: { sku: 'TS-RED-M', totalOnHand: 12 } });
  });

  it('answers an unknown method with an error, never silence', async () => {
    const res = await post('frobnicate', {});
    expect(res.status).toBe(404);
    expect(res.json()).toMatchObject({ ok: false, error: { code: 'unknown-method' } });
    expect(res.json().error?.message).toContain('frobnicate');
  });

  it('answers bad params with 400 and the field at fault', async () => {
    const res = await post('stock.set', { sku: 'X', quantity: -3, location: 'Warehouse' });
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ ok: false, error: { code: 'bad-input', field: 'quantity' } });
    const shop = await post('shop.add', { platform: 'woocommerce', name: 'Main', url: 'http://shop.example.com', key: 'ck_x', secret: 'cs_x' });
    expect(shop.status).toBe(400);
    expect(shop.json()).toMatchObject({ ok: false, error: { code: 'bad-input', field: 'url' } });
  });

  it('maps not-found to 404', async () => {
    const res = await post('errors.dismiss', { id: 'nope' });
    expect(res.status).toBe(404);
    expect(res.json().error).toMatchObject({ code: 'not-found', field: 'id' });
  });

  it('refuses a body that is not JSON, or not declared as JSON, or over the size cap', async () => {
    const broken = await raw('POST', '/api/status', { headers: apiHeaders(), body: '{nope' });
    expect(broken.status).toBe(400);
    expect(broken.json().error).toMatchObject({ field: 'body' });
    const form = await raw('POST', '/api/status', { headers: apiHeaders({ 'content-type': 'application/x-www-form-urlencoded' }), body: 'a=1' });
    expect(form.status).toBe(400);
    expect(form.json().error).toMatchObject({ field: 'content-type' });
    const huge = await raw('POST', '/api/stock.import', { headers: apiHeaders(), body: JSON.stringify({ csv: 'x'.repeat(100 * 1024) }) });
    expect(huge.status).toBe(413);
  });

  it('refuses GET on the API', async () => {
    expect((await raw('GET', '/api/status', { headers: apiHeaders() })).status).toBe(405);
  });
});

describe('HTTP transport: DNS rebinding and other pages', () => {
  it('refuses a Host that is not a loopback name', async () => {
    const res = await post('status', {}, apiHeaders({ host: 'evil.example:80' }));
    expect(res.status).toBe(421);
    const page = await raw('GET', '/', { headers: { host: `attacker.test:${server.port}` } });
    expect(page.status).toBe(421);
  });

  it('accepts localhost under any port (an SSH tunnel changes the port)', async () => {
    const res = await post('status', {}, apiHeaders({ host: 'localhost:8080', origin: 'http://localhost:8080' }));
    expect(res.status).toBe(200);
  });

  it('refuses a call whose Origin is another site, even with the token', async () => {
    const res = await post('status', {}, apiHeaders({ origin: 'http://evil.example' }));
    expect(res.status).toBe(403);
    expect(res.json().error).toMatchObject({ field: 'origin' });
    const same = await post('status', {}, apiHeaders({ origin: `http://127.0.0.1:${server.port}` }));
    expect(same.status).toBe(200);
  });

  it('refuses a WebSocket from another Origin', async () => {
    const ws = openEvents({ origin: 'http://evil.example' });
    const status = await new Promise<number>((resolve) => {
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
      ws.on('error', () => undefined);
    });
    expect(status).toBe(403);
    ws.terminate();
  });
});

describe('HTTP transport: events', () => {
  it('forwards engine events over the WebSocket to an httpClient', async () => {
    let up: () => void = () => undefined;
    const connected = new Promise<void>((resolve) => (up = resolve));
    const client = httpClient(server.url, TOKEN, { WebSocket: WebSocket as unknown as WebSocketFactory, onConnection: (isUp) => isUp && up() });
    const changed = new Promise<unknown>((resolve) => client.on('changed', resolve));
    const stateSeen = new Promise<unknown>((resolve) => client.on('state', resolve));
    await connected; // the stream is authenticated before the event is caused
    await client.call('location.add', { name: 'Shop floor' });
    expect(await changed).toEqual({ area: 'settings' });
    await client.call('engine.pause');
    expect(await stateSeen).toMatchObject({ state: 'paused', paused: true });
    await client.call('engine.resume');
    await client.close();
  });

  it('turns API errors into ApiError with code and field', async () => {
    const client = httpClient(server.url, TOKEN);
    const error = (await client.call('stock.set', { sku: 'X', quantity: 1.5, location: 'Warehouse' }).catch((e: unknown) => e)) as ApiError;
    expect(error.name).toBe('ApiError');
    expect(error.code).toBe('bad-input');
    expect(error.field).toBe('quantity');
    const wrong = httpClient(server.url, 'c'.repeat(64));
    await expect(wrong.call('status')).rejects.toMatchObject({ code: 'unauthorized' });
  });

  it('closes an event stream whose hello has the wrong token, and sends it nothing', async () => {
    const ws = openEvents();
    const received: string[] = [];
    ws.on('message', (m) => received.push(String(m)));
    ws.on('open', () => ws.send(JSON.stringify({ t: 'hello', token: 'wrong' })));
    const code = await new Promise<number>((resolve) => ws.on('close', (c) => resolve(c)));
    expect(code).toBe(4401);
    expect(received).toEqual([]);
  });
});

describe('HTTP transport: the page', () => {
  it('serves index.html with a strict CSP and no-referrer', async () => {
    const res = await raw('GET', '/', { headers: {} });
    expect(res.status).toBe(200);
    expect(res.text).toContain('<title>Backroom</title>');
    expect(res.headers['content-security-policy']).toBe(PAGE_CSP);
    expect(String(res.headers['content-security-policy'])).toContain("object-src 'none'");
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect((await raw('GET', '/assets/app.js')).headers['content-type']).toContain('javascript');
  });

  it('never serves a file outside the renderer folder', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/%2e%2e%5csecret.txt', '/x%00.html']) {
      const res = await raw('GET', path);
      expect(res.status, path).toBe(404);
      expect(res.text).not.toContain('do not serve');
    }
    expect(staticPath('/srv/r', '/../etc/passwd')).toBeNull();
    expect(staticPath('/srv/r', '/%2e%2e/etc/passwd')).toBeNull();
    expect(staticPath('/srv/r', '/assets/a.js')).toBe('/srv/r/assets/a.js');
  });
});
