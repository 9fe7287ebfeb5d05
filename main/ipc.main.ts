// IPC in the main process. Handlers are registered only through `handle` / `on` below, which
// refuse any sender that is not the app's own window showing the app's own page (GitHub Desktop's
// pattern); calls go through the API's `dispatch` (or the attached engine, which dispatches),
// so every method name and every parameter is checked against the API's schemas.
import type { IpcMain, IpcMainEvent, IpcMainInvokeEvent, WebContents } from 'electron';
import type { EventName } from '../core/runtime/events';
import { ApiError } from '../core/api/errors';
import { isMethodName } from '../core/api/server';
import { APP_ORIGIN, IPC, type EventChannels, type InvokeChannels, type SendChannels } from './ipc.shared';

/** What the main process needs of ipcMain (the real one, or a fake in tests). */
export type IpcMainLike = Pick<IpcMain, 'handle' | 'on' | 'removeHandler' | 'removeAllListeners'>;

export interface IpcBackend {
  /** Runs one API call: `dispatch(ctx, …)` when this process hosts the engine, the socket client when attached. */
  call(method: string, params: unknown): Promise<unknown>;
  /** Every engine event. */
  subscribe(listener: (name: EventName, payload: unknown) => void): () => void;
}

type SenderEvent = Pick<IpcMainInvokeEvent | IpcMainEvent, 'sender' | 'senderFrame'>;

/** True only for our window's main frame showing a page of our own protocol. */
export function isTrustedSender(event: SenderEvent, trusted: () => WebContents | null): boolean {
  const contents = trusted();
  if (!contents || event.sender !== contents) return false;
  const frame = event.senderFrame;
  if (!frame || frame.parent) return false;
  try {
    // Node's URL gives custom schemes an opaque origin ("null"), so compare scheme and host.
    const url = new URL(frame.url);
    return `${url.protocol}//${url.host}` === APP_ORIGIN;
  } catch {
    return false;
  }
}

export function registerIpc(ipcMain: IpcMainLike, backend: IpcBackend, trustedWebContents: () => WebContents | null): () => void {
  const cleanups: (() => void)[] = [];

  function handle<C extends keyof InvokeChannels>(channel: C, handler: (event: IpcMainInvokeEvent, ...args: InvokeChannels[C]['args']) => Promise<InvokeChannels[C]['result']>) {
    ipcMain.handle(channel, (event, ...args: unknown[]) => {
      if (!isTrustedSender(event, trustedWebContents)) throw new Error(`Refused ${channel} from an untrusted sender.`);
      return handler(event, ...(args as InvokeChannels[C]['args']));
    });
    cleanups.push(() => ipcMain.removeHandler(channel));
  }

  function on<C extends keyof SendChannels>(channel: C, listener: (event: IpcMainEvent, ...args: SendChannels[C]) => void) {
    ipcMain.on(channel, (event, ...args: unknown[]) => {
      if (!isTrustedSender(event, trustedWebContents)) return;
      listener(event, ...(args as SendChannels[C]));
    });
    cleanups.push(() => ipcMain.removeAllListeners(channel));
  }

  const send = <C extends keyof EventChannels>(contents: WebContents, channel: C, ...args: EventChannels[C]) => {
    if (!contents.isDestroyed()) contents.send(channel, ...args);
  };

  handle(IPC.call, async (_event, method, params) => {
    try {
      if (typeof method !== 'string' || !isMethodName(method)) throw new ApiError('unknown-method', `There is no API method called "${String(method)}".`);
      return { ok: true, result: (await backend.call(method, params ?? {})) ?? null };
    } catch (error) {
      return { ok: false, error: ApiError.from(error).toJSON() };
    }
  });

  // One event forwarder per window's webContents, removed when it goes away (a reload subscribes again).
  const forwarding = new Map<WebContents, () => void>();
  on(IPC.subscribe, (event) => {
    const contents = event.sender;
    forwarding.get(contents)?.();
    const off = backend.subscribe((name, payload) => send(contents, IPC.event, name, payload));
    forwarding.set(contents, off);
    contents.once('destroyed', () => {
      off();
      forwarding.delete(contents);
    });
  });
  cleanups.push(() => {
    for (const off of forwarding.values()) off();
    forwarding.clear();
  });

  return () => cleanups.forEach((c) => c());
}
