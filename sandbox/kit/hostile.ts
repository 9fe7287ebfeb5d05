import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A server that misbehaves on purpose, for testing that Backroom's platform clients survive the
 * shops and CRMs it does not control: redirects elsewhere, answers too big to hold, answers that
 * never come or never end, and bodies that are not what the API promises. Listens on 127.0.0.1.
 */
export type HostileBehaviour =
  /** Answers every request with a redirect to `to` (another server), keeping the path. */
  | { kind: 'redirect'; to: string; status?: 301 | 302 | 303 | 307 | 308 }
  /** A 200 whose JSON body is `bytes` long, streamed in 64 KiB chunks (`declareLength` sends Content-Length up front). */
  | { kind: 'huge'; bytes: number; declareLength?: boolean }
  /** Accepts the connection, reads the request, and never answers. */
  | { kind: 'silent' }
  /** Sends the headers, then one byte of body every `everyMs`, forever. */
  | { kind: 'trickle'; everyMs: number }
  /** Answers with this text as the body (garbage, truncated JSON, HTML). */
  | { kind: 'raw'; status?: number; body: string; contentType?: string }
  /** Answers with this value as JSON; `answer` may pick one per request path. */
  | { kind: 'json'; status?: number; body: unknown }
  | { kind: 'route'; answer: (path: string, method: string) => { status?: number; body: unknown } };

export interface HostileRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
}

export interface HostileServer {
  url: string;
  port: number;
  /** Every request that arrived, headers included, so a test can see whether a credential came here. */
  readonly seen: HostileRequest[];
  behave(behaviour: HostileBehaviour): void;
  close(): Promise<void>;
}

const CHUNK = 64 * 1024;

/** Streams `bytes` of a syntactically plausible JSON array, honouring back-pressure so the server itself stays small. */
function streamHuge(res: ServerResponse, bytes: number): void {
  const filler = Buffer.alloc(CHUNK, ' ');
  let sent = 0;
  res.write('[');
  sent++;
  const pump = () => {
    while (sent < bytes - 1) {
      if (res.destroyed) return;
      const size = Math.min(CHUNK, bytes - 1 - sent);
      sent += size;
      if (!res.write(size === CHUNK ? filler : filler.subarray(0, size))) {
        res.once('drain', pump);
        return;
      }
    }
    res.end(']');
  };
  pump();
}

export async function startHostileServer(initial: HostileBehaviour): Promise<HostileServer> {
  let behaviour = initial;
  const seen: HostileRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const server: Server = createServer((req, res) => {
    const path = req.url ?? '/';
    seen.push({ method: req.method ?? 'GET', path, headers: req.headers });
    req.resume();
    const b = behaviour;
    switch (b.kind) {
      case 'redirect':
        res.writeHead(b.status ?? 301, { location: new URL(path, b.to).toString() }).end();
        return;
      case 'huge':
        res.writeHead(200, { 'content-type': 'application/json', ...(b.declareLength ? { 'content-length': String(b.bytes) } : {}) });
        streamHuge(res, b.bytes);
        return;
      case 'silent':
        return; // the socket stays open until the client gives up or the server closes
      case 'trickle': {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('[');
        const timer = setInterval(() => {
          if (res.destroyed) clearInterval(timer);
          else res.write(' ');
        }, b.everyMs);
        timers.add(timer);
        return;
      }
      case 'raw':
        res.writeHead(b.status ?? 200, { 'content-type': b.contentType ?? 'application/json' }).end(b.body);
        return;
      case 'json':
        res.writeHead(b.status ?? 200, { 'content-type': 'application/json' }).end(JSON.stringify(b.body));
        return;
      case 'route': {
        const out = b.answer(new URL(path, 'http://127.0.0.1').pathname, req.method ?? 'GET');
        res.writeHead(out.status ?? 200, { 'content-type': 'application/json' }).end(JSON.stringify(out.body));
        return;
      }
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    seen,
    behave: (next) => {
      behaviour = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        timers.forEach(clearInterval);
        sockets.forEach((s) => s.destroy());
        server.close(() => resolve());
      }),
  };
}
