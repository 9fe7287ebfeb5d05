import type { ApiClient } from './client';
import { typedClient } from './client';
import type { ApiContext } from './context';
import { ApiError } from './errors';
import { dispatch } from './server';

/** The API called directly, in the process that hosts the engine. Results are copied, as over a wire, so callers cannot mutate the store by accident. */
export function inProcessClient(ctx: ApiContext, close: () => Promise<void> = async () => undefined): ApiClient {
  return typedClient(
    ctx.via,
    async (method, params) => {
      try {
        return structuredClone(await dispatch(ctx, method, params));
      } catch (error) {
        throw ApiError.from(error);
      }
    },
    (listener) => ctx.events.onAny(listener),
    close,
  );
}
