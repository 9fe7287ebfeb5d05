// What the desktop app's preload puts on `window.backroom`, shared by both sides of the bridge:
// main/preload.ts builds it (checked with `satisfies`), the renderer calls it. The browser build
// has no such object and talks HTTP instead.
import type { EventName } from '../runtime/events';
import type { SerializedApiError } from './errors';

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
