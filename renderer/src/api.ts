// Where the renderer gets its ApiClient: the desktop app's bridge when there is one, else the
// HTTP/WebSocket transport of `backroom web`. The rest of the renderer never knows which.
import { typedClient, type ApiClient } from '../../core/api/client';
import { ApiError } from '../../core/api/errors';
import { httpClient } from '../../core/api/http-client';
import type { BackroomBridge } from '../../core/api/desktop-bridge';

export const TOKEN_KEY = 'backroom.token';

export function bridgeClient(bridge: BackroomBridge): ApiClient {
  return typedClient(
    'engine',
    async (method, params) => {
      const answer = await bridge.call(method, params);
      if (answer.ok) return answer.result;
      throw ApiError.from(answer.error);
    },
    (listener) => bridge.subscribe(listener),
    async () => undefined,
  );
}

/**
 * The token of `backroom web` arrives once in the URL fragment (`#token=…`, never sent to the
 * server, never logged), is kept in sessionStorage for reloads of this tab, and is removed from
 * the address bar at once.
 */
export function takeToken(location: Location, storage: Storage, history: History): string | null {
  const match = /(?:^#|&)token=([A-Za-z0-9_-]+)/.exec(location.hash);
  if (match) {
    storage.setItem(TOKEN_KEY, match[1]!);
    history.replaceState(null, '', location.pathname + location.search);
    return match[1]!;
  }
  return storage.getItem(TOKEN_KEY);
}

export type Connection = { kind: 'ready'; client: ApiClient; transport: 'desktop' | 'web' } | { kind: 'no-token' };

export function connect(onConnection?: (connected: boolean) => void): Connection {
  if (window.backroom) return { kind: 'ready', client: bridgeClient(window.backroom), transport: 'desktop' };
  const token = takeToken(window.location, window.sessionStorage, window.history);
  if (!token) return { kind: 'no-token' };
  return { kind: 'ready', client: httpClient(window.location.origin, token, { onConnection }), transport: 'web' };
}
