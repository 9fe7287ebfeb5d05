// What the desktop app's preload puts on `window.backroom` (main/preload.ts checks its object
// against this type with `satisfies`). The browser build has no such object and talks HTTP instead.
import type { EventName } from '../../core/runtime/events';
import type { SerializedApiError } from '../../core/api/errors';

/** Every call comes back as an envelope, the same shape the HTTP transport answers with. */
export type BridgeEnvelope = { ok: true; result: unknown } | { ok: false; error: SerializedApiError };

export interface BackroomBridge {
  /** Calls one API method; the main process checks the method name and the params against the API's schemas. */
  call(method: string, params: unknown): Promise<BridgeEnvelope>;
  /** Receives every engine event; returns the unsubscribe function. */
  subscribe(listener: (name: EventName, payload: unknown) => void): () => void;
  /** The operating system, for small platform touches (e.g. shortcuts shown). */
  readonly platform: string;
}

declare global {
  interface Window {
    backroom?: BackroomBridge;
  }
}
