import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { extname, isAbsolute, normalize, relative, resolve, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { EventName } from '../runtime/events';
import type { ApiContext } from './context';
import { ApiError, type ApiErrorCode } from './errors';
import { dispatch } from './server';

/**
 * The API over HTTP and WebSocket on 127.0.0.1, for a browser page on a headless shop PC (reached
 * over an SSH tunnel) and for Playwright. Same methods, same errors as every other transport:
 *
 * - `POST /api/<method>` with a JSON body of params → `{ok:true,result}` or `{ok:false,error}`,
 *   with the HTTP status of the error. `Authorization: Bearer <token>` is required.
 * - `GET /events` upgrades to a WebSocket; the first message must be `{"t":"hello","token":…}`,
 *   then every engine event arrives as `{"t":"event","name":…,"payload":…}`.
 * - Anything else under GET is the built renderer (when `staticDir` is given), behind a CSP.
 *
 * Only loopback Host names are answered (DNS rebinding), and a browser's Origin must be this same
 * host. The token is never written to a log or a URL the server sees: the page gets it in the
 * URL fragment, which browsers do not send.
 */
export interface HttpServeOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  token: string;
  /** Folder of the built renderer (dist/renderer); without it only the API is served. */
  staticDir?: string;
  /** Largest request body accepted, in bytes (default 8 MiB: big enough for a stock CSV). */
  maxBodyBytes?: number;
}

export interface HttpServer {
  port: number;
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** The address to open in a browser: the URL with the token in its fragment. */
  pageUrl: string;
  close(): Promise<void>;
}

export const DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024;
const HELLO_TIMEOUT_MS = 10_000;

/** The Content-Security-Policy of the served page. No inline script, no plugins, no framing; calls go to this host only. */
export const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self' ws://127.0.0.1:* ws://localhost:*",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const STATUS: Record<ApiErrorCode, number> = {
  'bad-input': 400,
  unauthorized: 401,
  'not-found': 404,
  'unknown-method': 404,
  conflict: 409,
  failed: 500,
};

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

/** A fresh token for one run of the HTTP transport. */
export const newHttpToken = () => randomBytes(32).toString('hex');

function tokensMatch(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The host name of a Host header (`127.0.0.1:8080` → `127.0.0.1`, `[::1]:80` → `::1`). */
function hostnameOf(hostHeader: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(hostHeader);
  if (bracketed) return bracketed[1]!.toLowerCase();
  return hostHeader.replace(/:\d+$/, '').toLowerCase();
}

/**
 * DNS rebinding: a page on evil.example whose name is re-pointed at 127.0.0.1 still sends
 * `Host: evil.example`. Only loopback names are answered. Any port is fine: an SSH tunnel
 * (`ssh -L 8080:127.0.0.1:7460`) changes the port the browser sees.
 */
export function isAllowedHost(hostHeader: string | undefined): boolean {
  if (!hostHeader) return false;
  const name = hostnameOf(hostHeader);
  return name === '127.0.0.1' || name === 'localhost' || name === '::1';
}

/** A browser always sends Origin on POST and WebSocket; it must be this very host. Non-browser clients send none. */
export function isAllowedOrigin(origin: string | undefined, hostHeader: string | undefined): boolean {
  if (origin === undefined) return true;
  if (!hostHeader) return false;
  return origin === `http://${hostHeader}`;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  res.end(text);
}

function fail(res: ServerResponse, error: ApiError, headers?: Record<string, string>): void {
  send(res, STATUS[error.code] ?? 500, { ok: false, error: error.toJSON() }, headers);
}

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolvePromise, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) {
      reject(new BodyTooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BodyTooLarge());
        req.pause();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolvePromise(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function handleApi(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, path: string, options: Required<Pick<HttpServeOptions, 'token' | 'maxBodyBytes'>>): Promise<void> {
  if (req.method !== 'POST') {
    send(res, 405, { ok: false, error: new ApiError('bad-input', 'API calls use POST.', 'method').toJSON() }, { allow: 'POST' });
    return;
  }
  const auth = req.headers.authorization ?? '';
  const given = auth.startsWith('Bearer ') ? auth.slice(7).trim() : undefined;
  if (!tokensMatch(given, options.token)) {
    fail(res, new ApiError('unauthorized', 'Missing or wrong token: open the link printed by `backroom web` again.'), { 'www-authenticate': 'Bearer' });
    return;
  }
  // JSON only: a cross-site HTML form cannot send this content type without a CORS preflight, which is never granted.
  const type = String(req.headers['content-type'] ?? '');
  if (!/^application\/json\b/i.test(type)) {
    fail(res, new ApiError('bad-input', 'API calls must send Content-Type: application/json.', 'content-type'));
    return;
  }
  let body: Buffer;
  try {
    body = await readBody(req, options.maxBodyBytes);
  } catch (error) {
    if (error instanceof BodyTooLarge) {
      send(res, 413, { ok: false, error: new ApiError('bad-input', `The request is larger than ${options.maxBodyBytes} bytes.`, 'body').toJSON() }, { connection: 'close' });
      return;
    }
    throw error;
  }
  let params: unknown = {};
  if (body.length) {
    try {
      params = JSON.parse(body.toString('utf8'));
    } catch {
      fail(res, new ApiError('bad-input', 'The request body is not valid JSON.', 'body'));
      return;
    }
  }
  const method = decodeURIComponent(path.slice('/api/'.length));
  try {
    const result = await dispatch(ctx, method, params);
    send(res, 200, { ok: true, result: result ?? null });
  } catch (error) {
    fail(res, ApiError.from(error));
  }
}

/** Resolves a URL path inside `root`, or null when it would leave it (`..`, encoded slashes, NUL). */
export function staticPath(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\') || decoded.split('/').includes('..')) return null;
  const relativePath = normalize(decoded === '/' ? '/index.html' : decoded).replace(/^[/\\]+/, '');
  const full = resolve(root, relativePath);
  const rel = relative(root, full);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel) || rel.split(sep).includes('..')) return null;
  return full;
}

async function handleStatic(root: string, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const headers = {
    'content-security-policy': PAGE_CSP,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
  };
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', ...headers }).end();
    return;
  }
  const file = staticPath(root, path);
  const info = file ? await stat(file).catch(() => null) : null;
  if (!file || !info?.isFile()) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', ...headers }).end('Not found');
    return;
  }
  const type = MIME[extname(file).toLowerCase()] ?? 'application/octet-stream';
  const cache = file.endsWith('index.html') ? 'no-store' : 'public, max-age=3600';
  res.writeHead(200, { 'content-type': type, 'content-length': info.size, 'cache-control': cache, ...headers });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(file).pipe(res);
}

function refuseUpgrade(socket: Duplex, status: number, message: string): void {
  socket.end(`HTTP/1.1 ${status} ${message}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/** Serves the API (and optionally the renderer) on 127.0.0.1. */
export async function serveHttp(ctx: ApiContext, options: HttpServeOptions): Promise<HttpServer> {
  const settings = { token: options.token, maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES };
  if (!options.token || options.token.length < 16) throw new Error('serveHttp needs a token of at least 16 characters.');
  const staticRoot = options.staticDir ? resolve(options.staticDir) : null;

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (!isAllowedHost(req.headers.host)) {
      send(res, 421, { ok: false, error: new ApiError('unauthorized', 'This address is only served to 127.0.0.1 and localhost.', 'host').toJSON() });
      return;
    }
    if (!isAllowedOrigin(req.headers.origin, req.headers.host)) {
      send(res, 403, { ok: false, error: new ApiError('unauthorized', 'Requests from other web pages are refused.', 'origin').toJSON() });
      return;
    }
    const done = (error: unknown) => {
      if (!res.headersSent) fail(res, ApiError.from(error));
      else res.destroy();
    };
    if (url.pathname.startsWith('/api/')) {
      handleApi(ctx, req, res, url.pathname, settings).catch(done);
    } else if (staticRoot) {
      handleStatic(staticRoot, req, res, url.pathname).catch(done);
    } else {
      send(res, 404, { ok: false, error: new ApiError('not-found', 'Nothing here: the API is under /api/.', 'path').toJSON() });
    }
  });
  server.requestTimeout = 60_000;
  server.headersTimeout = 10_000;

  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  const sockets = new Set<WebSocket>();
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/events') return refuseUpgrade(socket, 404, 'Not Found');
    if (!isAllowedHost(req.headers.host)) return refuseUpgrade(socket, 421, 'Misdirected Request');
    if (!isAllowedOrigin(req.headers.origin, req.headers.host)) return refuseUpgrade(socket, 403, 'Forbidden');
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      let unsubscribe: (() => void) | null = null;
      const timer = setTimeout(() => ws.close(4401, 'no hello'), HELLO_TIMEOUT_MS);
      ws.on('close', () => {
        clearTimeout(timer);
        unsubscribe?.();
        sockets.delete(ws);
      });
      ws.on('error', () => ws.terminate());
      ws.on('message', (data) => {
        if (unsubscribe) return; // nothing else is expected after the hello
        let message: { t?: unknown; token?: unknown } | null = null;
        try {
          message = JSON.parse(String(data)) as { t?: unknown; token?: unknown };
        } catch {
          message = null;
        }
        if (message?.t !== 'hello' || !tokensMatch(message.token, settings.token)) {
          ws.close(4401, 'wrong or missing token');
          return;
        }
        clearTimeout(timer);
        unsubscribe = ctx.events.onAny((name: EventName, payload: unknown) => {
          if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ t: 'event', name, payload }));
        });
        ws.send(JSON.stringify({ t: 'welcome' }));
      });
    });
  });

  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolvePromise();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const url = `http://127.0.0.1:${port}`;
  return {
    port,
    url,
    pageUrl: `${url}/#token=${options.token}`,
    async close() {
      for (const ws of sockets) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolvePromise) => server.close(() => resolvePromise()));
    },
  };
}
