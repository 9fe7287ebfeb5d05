// The browser side of the HTTP/WebSocket transport (http-transport.ts). Runs in a browser page or
// in Node 20+ (fetch is global; pass a WebSocket implementation where there is no global one).
// Imports nothing from Node.
import type { EventName } from '../runtime/events';
import { typedClient, type ApiClient } from './client';
import { ApiError, isSerializedApiError } from './errors';

/** The subset of the WebSocket API this client uses (the browser's, or the `ws` package's). */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason?: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}
export type WebSocketFactory = new (url: string) => WebSocketLike;

export interface HttpClientOptions {
  /** Defaults to the global WebSocket. */
  WebSocket?: WebSocketFactory;
  /** Told when the event stream connects or drops (the page shows "reconnecting…"). */
  onConnection?: (connected: boolean) => void;
  /** Delay before reconnecting the event stream (default 1 s, doubling up to 15 s). */
  reconnectMs?: number;
}

/** Code the server closes the event stream with when the token is refused: no point reconnecting. */
export const WS_REFUSED = 4401;

/**
 * An ApiClient over HTTP: calls are `POST {baseUrl}/api/<method>` with the token as a Bearer
 * header; events come over one WebSocket at `{baseUrl}/events`, opened on the first `on()` and
 * re-opened after a drop.
 */
export function httpClient(baseUrl: string, token: string, options: HttpClientOptions = {}): ApiClient {
  const base = baseUrl.replace(/\/+$/, '');
  let closed = false;
  let socket: WebSocketLike | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  const listeners = new Set<(name: EventName, payload: unknown) => void>();

  const call = async (method: string, params: unknown): Promise<unknown> => {
    let response: Response;
    try {
      response = await fetch(`${base}/api/${encodeURIComponent(method)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(params ?? {}),
        credentials: 'omit',
        cache: 'no-store',
      });
    } catch (error) {
      throw new ApiError('failed', `Backroom is not answering (${(error as Error).message}). Is it still running?`);
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      throw new ApiError('failed', `Backroom answered HTTP ${response.status} without a JSON body.`);
    }
    const envelope = body as { ok?: boolean; result?: unknown; error?: unknown };
    if (envelope?.ok === true) return envelope.result;
    if (isSerializedApiError(envelope?.error)) throw ApiError.from(envelope.error);
    throw new ApiError('failed', `Backroom answered HTTP ${response.status} with an unexpected body.`);
  };

  const connect = (delay: number) => {
    const Impl = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketFactory }).WebSocket;
    if (!Impl) throw new Error('httpClient: no WebSocket implementation; pass options.WebSocket.');
    const ws = new Impl(`${base.replace(/^http/, 'ws')}/events`);
    socket = ws;
    ws.onopen = () => ws.send(JSON.stringify({ t: 'hello', token }));
    ws.onmessage = (event) => {
      let message: { t?: string; name?: EventName; payload?: unknown };
      try {
        message = JSON.parse(String(event.data)) as typeof message;
      } catch {
        return;
      }
      if (message.t === 'welcome') {
        delay = options.reconnectMs ?? 1000;
        options.onConnection?.(true);
      } else if (message.t === 'event' && message.name) {
        for (const l of listeners) l(message.name, message.payload);
      }
    };
    ws.onerror = () => undefined;
    ws.onclose = (event) => {
      if (socket === ws) socket = null;
      if (closed) return;
      options.onConnection?.(false);
      if (event.code === WS_REFUSED || listeners.size === 0) return;
      retryTimer = setTimeout(() => connect(Math.min(delay * 2, 15_000)), delay);
    };
  };

  return typedClient(
    'engine',
    call,
    (listener) => {
      listeners.add(listener);
      if (!socket && !closed) connect(options.reconnectMs ?? 1000);
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) socket?.close(1000, 'no listeners');
      };
    },
    async () => {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      socket?.close(1000, 'closed');
      socket = null;
    },
  );
}
