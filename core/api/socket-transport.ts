import { createHash, timingSafeEqual } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventName } from '../engine/events';
import { typedClient, type ApiClient } from './client';
import type { ApiContext } from './context';
import { ApiError } from './errors';
import { readFrames, writeFrame } from './framing';
import { dispatch } from './server';
import { FILES } from '../store/layout';

type ClientMessage =
  | { t: 'hello'; token: string }
  | { t: 'call'; id: number; method: string; params: unknown }
  | { t: 'subscribe' };
type ServerMessage =
  | { t: 'welcome'; pid: number }
  | { t: 'refused'; message: string }
  | { t: 'result'; id: number; value: unknown }
  | { t: 'error'; id: number; error: unknown }
  | { t: 'event'; name: EventName; payload: unknown };

/**
 * Where the engine for a data directory listens: a Unix socket in the data directory (or in the
 * temp folder when that path would be over the ~104-byte socket path limit), a named pipe on Windows.
 */
export function endpointFor(dataDir: string, platform: NodeJS.Platform = process.platform): string {
  const hash = createHash('sha256').update(dataDir).digest('hex').slice(0, 16);
  if (platform === 'win32') return `\\\\.\\pipe\\backroom-${hash}`;
  const inDir = join(dataDir, 'engine.sock');
  return inDir.length < 100 ? inDir : join(tmpdir(), `backroom-${hash}.sock`);
}

function tokensMatch(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Serves the API on the local socket. Every connection must first present the token. */
export async function serveSocket(ctx: ApiContext, endpoint: string, token: string): Promise<{ close(): Promise<void> }> {
  if (!endpoint.startsWith('\\\\.\\pipe\\')) await rm(endpoint, { force: true }); // stale socket of a dead owner; we hold the lock
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let authed = false;
    let unsubscribe: (() => void) | null = null;
    socket.on('close', () => unsubscribe?.());
    const send = (m: ServerMessage) => {
      if (!socket.destroyed) writeFrame(socket, m);
    };
    readFrames(
      socket,
      (raw) => {
        const message = raw as ClientMessage;
        if (!authed) {
          if (message?.t === 'hello' && tokensMatch(message.token, token)) {
            authed = true;
            send({ t: 'welcome', pid: process.pid });
          } else {
            send({ t: 'refused', message: 'The engine refused the connection: wrong or missing token.' });
            socket.end();
          }
          return;
        }
        if (message?.t === 'subscribe') {
          unsubscribe ??= ctx.events.onAny((name, payload) => send({ t: 'event', name, payload }));
        } else if (message?.t === 'call' && typeof message.id === 'number') {
          dispatch(ctx, String(message.method), message.params).then(
            (value) => send({ t: 'result', id: message.id, value }),
            (error) => send({ t: 'error', id: message.id, error: ApiError.from(error).toJSON() }),
          );
        }
      },
      () => undefined,
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(endpoint, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export class EngineUnavailableError extends Error {}

/**
 * Connects to a running engine. Rejects with EngineUnavailableError when nothing listens (a stale
 * endpoint) and with an ApiError('unauthorized') when the token is refused.
 */
export function connectSocket(endpoint: string, token: string, timeoutMs = 2000): Promise<ApiClient> {
  return new Promise((resolve, reject) => {
    const socket = connect(endpoint);
    const pending = new Map<number, { resolve(v: unknown): void; reject(e: unknown): void }>();
    const listeners = new Set<(name: EventName, payload: unknown) => void>();
    let nextId = 1;
    let welcomed = false;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new EngineUnavailableError(`The engine at ${endpoint} did not answer within ${timeoutMs} ms.`));
    }, timeoutMs);

    const failAll = (error: Error) => {
      for (const p of pending.values()) p.reject(error);
      pending.clear();
    };
    socket.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (!welcomed) reject(new EngineUnavailableError(`No engine is listening at ${endpoint} (${error.code ?? error.message}).`));
      failAll(new ApiError('failed', `Lost the connection to the engine: ${error.message}`));
    });
    socket.on('close', () => failAll(new ApiError('failed', 'The engine closed the connection.')));
    socket.on('connect', () => writeFrame(socket, { t: 'hello', token } satisfies ClientMessage));

    readFrames(
      socket,
      (raw) => {
        const message = raw as ServerMessage;
        switch (message.t) {
          case 'welcome': {
            welcomed = true;
            clearTimeout(timer);
            const client = typedClient(
              'engine',
              (method, params) =>
                new Promise((res, rej) => {
                  const id = nextId++;
                  pending.set(id, { resolve: res, reject: rej });
                  writeFrame(socket, { t: 'call', id, method, params } satisfies ClientMessage);
                }),
              (listener) => {
                if (listeners.size === 0) writeFrame(socket, { t: 'subscribe' } satisfies ClientMessage);
                listeners.add(listener);
                return () => listeners.delete(listener);
              },
              async () => {
                socket.end();
                socket.destroy();
              },
            );
            resolve(client);
            break;
          }
          case 'refused':
            clearTimeout(timer);
            reject(new ApiError('unauthorized', message.message));
            socket.destroy();
            break;
          case 'result':
            pending.get(message.id)?.resolve(message.value);
            pending.delete(message.id);
            break;
          case 'error':
            pending.get(message.id)?.reject(ApiError.from(message.error));
            pending.delete(message.id);
            break;
          case 'event':
            listeners.forEach((l) => l(message.name, message.payload));
            break;
        }
      },
      (error) => failAll(new ApiError('failed', error.message)),
    );
  });
}

export { FILES };
