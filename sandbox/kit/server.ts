import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A tiny HTTP toolkit for the practice platforms (sandboxes): routing, JSON bodies, and fault
 * injection. Sandboxes listen on 127.0.0.1 only and keep their state in memory.
 */

export interface SandboxRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  /** Parsed JSON body (undefined when there was none). */
  body: unknown;
}

export interface SandboxResponse {
  status?: number;
  headers?: Record<string, string>;
  /** Serialised as JSON unless `raw` is given. */
  body?: unknown;
  raw?: string | Buffer;
}

export type RouteHandler = (req: SandboxRequest) => SandboxResponse | Promise<SandboxResponse>;

interface Route {
  method: string;
  pattern: RegExp;
  keys: string[];
  handler: RouteHandler;
}

/** One injected fault. Faults are consumed in order by requests whose path matches. */
export type Fault =
  | { kind: 'status'; status: number; retryAfterSeconds?: number; body?: unknown; times?: number; match?: RegExp }
  | { kind: 'delay'; ms: number; times?: number; match?: RegExp }
  | { kind: 'drop'; times?: number; match?: RegExp }
  | { kind: 'malformed'; times?: number; match?: RegExp };

export class Router {
  private readonly routes: Route[] = [];

  on(method: string, path: string, handler: RouteHandler): this {
    const keys: string[] = [];
    const pattern = new RegExp(`^${path.replace(/:(\w+)/g, (_, key: string) => {
      keys.push(key);
      return '([^/]+)';
    })}/?$`);
    this.routes.push({ method, pattern, keys, handler });
    return this;
  }

  match(method: string, path: string): { handler: RouteHandler; params: Record<string, string> } | null {
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const m = route.pattern.exec(path);
      if (m) return { handler: route.handler, params: Object.fromEntries(route.keys.map((k, i) => [k, decodeURIComponent(m[i + 1]!)])) };
    }
    return null;
  }
}

export interface SandboxServer {
  url: string;
  port: number;
  /** Queues faults for the next matching requests. */
  inject(...faults: Fault[]): void;
  clearFaults(): void;
  /** Every request seen, for tests and benches to count. */
  readonly log: { method: string; path: string; status: number; /** Arrival time (ms since epoch), for rate-limit checks. */ at: number }[];
  close(): Promise<void>;
}

export interface SandboxOptions {
  router: Router;
  /** Runs before routing; return a response to answer early (e.g. 401 for bad credentials). */
  before?: (req: SandboxRequest) => SandboxResponse | null;
  notFound: (req: SandboxRequest) => SandboxResponse;
  port?: number;
  /** The clock arrival times are read on (default: real time); tests share theirs with the client's pacing. */
  now?: () => number;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startSandbox(options: SandboxOptions): Promise<SandboxServer> {
  let faults: (Fault & { left: number })[] = [];
  const log: SandboxServer['log'] = [];

  const takeFault = (path: string): Fault | undefined => {
    const fault = faults.find((f) => !f.match || f.match.test(path));
    if (!fault) return undefined;
    fault.left--;
    if (fault.left <= 0) faults = faults.filter((f) => f !== fault);
    return fault;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const at = (options.now ?? Date.now)();
    const record = (status: number) => log.push({ method, path: url.pathname + url.search, status, at });
    const fault = takeFault(url.pathname);
    if (fault?.kind === 'drop') {
      record(0);
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'delay') await new Promise((r) => setTimeout(r, fault.ms));
    if (fault?.kind === 'status') {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (fault.retryAfterSeconds !== undefined) headers['retry-after'] = String(fault.retryAfterSeconds);
      res.writeHead(fault.status, headers).end(JSON.stringify(fault.body ?? { code: 'sandbox_fault', message: `Injected HTTP ${fault.status}`, data: { status: fault.status } }));
      record(fault.status);
      return;
    }
    const text = await readBody(req);
    let body: unknown;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 'invalid_json', message: 'Request body is not valid JSON.' }));
        record(400);
        return;
      }
    }
    const sreq: SandboxRequest = { method, path: url.pathname, params: {}, query: url.searchParams, headers: req.headers, body };
    let out: SandboxResponse;
    try {
      const early = options.before?.(sreq);
      const route = early ? null : options.router.match(method, url.pathname);
      if (early) out = early;
      else if (!route) out = options.notFound(sreq);
      else out = await route.handler({ ...sreq, params: route.params });
    } catch (error) {
      out = { status: 500, body: { code: 'sandbox_error', message: (error as Error).message } };
    }
    const status = out.status ?? 200;
    const payload = fault?.kind === 'malformed' ? '{"truncated": [' : (out.raw ?? JSON.stringify(out.body ?? null));
    res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...out.headers }).end(payload);
    record(status);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => {
      if (!res.headersSent) res.writeHead(500).end(JSON.stringify({ code: 'sandbox_error', message: error.message }));
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    log,
    inject: (...more) => {
      faults.push(...more.map((f) => ({ ...f, left: f.times ?? 1 })));
    },
    clearFaults: () => {
      faults = [];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
