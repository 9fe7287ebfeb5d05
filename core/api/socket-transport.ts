import { createHash, timingSafeEqual } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { chmod, lstat, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventName } from '../runtime/events';
import { typedClient, type ApiClient } from './client';
import type { ApiContext } from './context';
import { ApiError } from './errors';
import { FrameTooLargeError, MAX_FRAME_BYTES, readFrames, writeFrame } from './framing';
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

/** Unix socket paths must fit in sun_path (104 bytes on macOS, 108 on Linux); stay clear of both. */
const MAX_SOCKET_PATH = 100;

export interface EndpointOptions {
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
  /** The shared temp folder (tests pass their own). */
  tmp?: string;
}

/**
 * Where the engine for a data directory listens: a named pipe on Windows; elsewhere a Unix socket
 * in the data directory, or — when that path would be too long for a socket — in XDG_RUNTIME_DIR,
 * else in a folder of this user's own inside the temp folder. Whatever folder holds the socket is
 * made (or found) private to this user, and refused when it belongs to anyone else: a folder
 * another user controls could hold a fake socket that collects the token of every client.
 */
export async function prepareEndpoint(dataDir: string, options: EndpointOptions = {}): Promise<string> {
  const platform = options.platform ?? process.platform;
  const hash = createHash('sha256').update(dataDir).digest('hex').slice(0, 16);
  if (platform === 'win32') return `\\\\.\\pipe\\backroom-${hash}`;
  const inDataDir = join(dataDir, 'engine.sock');
  if (inDataDir.length < MAX_SOCKET_PATH) {
    await ensurePrivateDir(dataDir);
    return inDataDir;
  }
  const runtime = (options.env ?? process.env).XDG_RUNTIME_DIR;
  if (runtime && join(runtime, `backroom-${hash}.sock`).length < MAX_SOCKET_PATH && (await isPrivateDir(runtime))) {
    return join(runtime, `backroom-${hash}.sock`);
  }
  const uid = process.getuid?.() ?? 0;
  const own = join(options.tmp ?? tmpdir(), `backroom-${uid}`);
  await ensurePrivateDir(own);
  return join(own, `${hash}.sock`);
}

/** A real folder (not a link) owned by this user that nobody else may enter. */
async function isPrivateDir(dir: string): Promise<boolean> {
  try {
    const info = await lstat(dir);
    return info.isDirectory() && info.uid === process.getuid?.() && (info.mode & 0o077) === 0;
  } catch {
    return false;
  }
}

/** Creates `dir` private to this user, or checks that the existing one is ours and makes it private; refuses anyone else's. */
async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const info = await lstat(dir);
  if (!info.isDirectory()) throw new Error(`Backroom will not put its local socket in ${dir}: it is not a folder (a link or a file is there). Remove it and start again.`);
  const uid = process.getuid?.();
  if (uid !== undefined && info.uid !== uid) {
    throw new Error(
      `Backroom will not put its local socket in ${dir}: that folder belongs to another user (uid ${info.uid}), who could listen in on it. ` +
        'Remove it (as that user or an administrator), or use a data folder with a shorter path, or set XDG_RUNTIME_DIR.',
    );
  }
  if ((info.mode & 0o077) !== 0) await chmod(dir, 0o700);
}

function tokensMatch(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface ServeOptions {
  /** A connection that has not presented the token by then is closed (default 5 s). */
  authTimeoutMs?: number;
  /** Connections open at once; more are refused with a message (default 64: every front end and script at once, with room). */
  maxConnections?: number;
}

/** Before the token, a peer gets to send one small hello; a bigger frame closes the connection. */
const MAX_HELLO_BYTES = 4096;

/** Serves the API on the local socket. Every connection must first present the token. */
export async function serveSocket(ctx: ApiContext, endpoint: string, token: string, options: ServeOptions = {}): Promise<{ close(): Promise<void> }> {
  if (!endpoint.startsWith('\\\\.\\pipe\\')) await rm(endpoint, { force: true }); // stale socket of a dead owner; we hold the lock
  const authTimeoutMs = options.authTimeoutMs ?? 5000;
  const maxConnections = options.maxConnections ?? 64;
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    socket.on('error', () => socket.destroy());
    if (sockets.size >= maxConnections) {
      writeFrame(socket, { t: 'refused', message: `The engine has too many connections open (${maxConnections}); close some Backroom windows or scripts and try again.` } satisfies ServerMessage);
      socket.end();
      return;
    }
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    // Real time on purpose: this guards the process against idle peers, it is not part of syncing.
    const authTimer = setTimeout(() => {
      send({ t: 'refused', message: `The engine closed the connection: no token within ${authTimeoutMs / 1000} s.` });
      socket.destroy();
    }, authTimeoutMs);
    authTimer.unref();
    socket.on('close', () => clearTimeout(authTimer));
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
            clearTimeout(authTimer);
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
            (value) => {
              try {
                send({ t: 'result', id: message.id, value });
              } catch (error) {
                // An answer too big for one frame: say so instead of cutting the connection.
                send({ t: 'error', id: message.id, error: new ApiError('failed', (error as Error).message).toJSON() });
              }
            },
            (error) => send({ t: 'error', id: message.id, error: ApiError.from(error).toJSON() }),
          );
        }
      },
      () => undefined,
      () => (authed ? MAX_FRAME_BYTES : MAX_HELLO_BYTES),
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
                  try {
                    writeFrame(socket, { t: 'call', id, method, params } satisfies ClientMessage);
                  } catch (error) {
                    rej(error instanceof FrameTooLargeError ? new ApiError('bad-input', error.message) : error);
                    return;
                  }
                  pending.set(id, { resolve: res, reject: rej });
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
