import { contract, type MethodName } from './contract';
import type { ApiContext } from './context';
import { ApiError, describeIssue } from './errors';
import * as namespaces from './namespaces';

/** A handler as dispatch calls it: with parameters its method's schema has just checked. */
type CheckedHandler = (params: unknown, ctx: ApiContext) => Promise<unknown>;

const handlers = new Map<string, CheckedHandler>(
  Object.values(namespaces).flatMap((part) => Object.entries(part.handlers as Record<string, CheckedHandler>)),
);

export function isMethodName(name: string): name is MethodName {
  return Object.hasOwn(contract, name);
}

/**
 * Runs one API call from any transport: an unknown method or bad parameters are answered with an
 * error naming what is wrong, never silence and never a crash.
 */
export async function dispatch(ctx: ApiContext, name: string, rawParams: unknown): Promise<unknown> {
  if (!isMethodName(name)) throw new ApiError('unknown-method', `There is no API method called "${name}".`);
  const parsed = contract[name].params.safeParse(rawParams ?? {});
  if (!parsed.success) {
    const { field, message } = describeIssue(parsed.error);
    throw new ApiError('bad-input', message, field);
  }
  return handlers.get(name)!(parsed.data, ctx);
}
