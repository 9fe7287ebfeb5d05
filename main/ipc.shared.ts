// The desktop app's IPC channels, in one typed map shared by the main process (ipc.main.ts) and the
// preload (preload.ts). There is deliberately no catch-all channel: the renderer can only call API
// methods (each checked against the API's schemas) and receive engine events.
import type { EventName } from '../core/runtime/events';
import type { BridgeEnvelope } from '../core/api/desktop-bridge';

export const IPC = {
  /** renderer → main, invoke: one API call. */
  call: 'backroom:call',
  /** renderer → main, send: start forwarding engine events to this window. */
  subscribe: 'backroom:subscribe',
  /** main → renderer: one engine event. */
  event: 'backroom:event',
} as const;

/** Channels the renderer invokes, with their arguments and what they resolve to. */
export interface InvokeChannels {
  [IPC.call]: { args: [method: string, params: unknown]; result: BridgeEnvelope };
}

/** Channels the renderer sends on, without an answer. */
export interface SendChannels {
  [IPC.subscribe]: [];
}

/** Channels the main process sends to the renderer. */
export interface EventChannels {
  [IPC.event]: [name: EventName, payload: unknown];
}

/** The custom protocol the window's UI is served from (never file://). */
export const APP_SCHEME = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://backroom`;
