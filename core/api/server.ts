import { contract, type Contract, type MethodName } from './contract';
import type { ApiContext } from './context';
import type { ParsedParamsOf, ResultOf } from './define';
import { ApiError, describeIssue } from './errors';
import { crmHandlers } from './handlers/crm';
import { issuesHandlers } from './handlers/issues';
import { shopTestHandlers } from './handlers/shop-test';
import { settingsHandlers } from './handlers/settings';
import { shopHandlers } from './handlers/shops';
import { statusHandlers } from './handlers/status';
import { stockHandlers } from './handlers/stock';
import { stockSentHandlers } from './handlers/stock-sent';
import { syncHandlers } from './handlers/sync';
import { cartsHandlers } from './handlers/carts';
import { chartsHandlers } from './handlers/charts';
import { catalogueHandlers } from './handlers/catalogue';

export type Handler<M extends MethodName> = (params: ParsedParamsOf<Contract[M]>, ctx: ApiContext) => Promise<ResultOf<Contract[M]>>;
export type Handlers = { [M in MethodName]: Handler<M> };

const handlers: Handlers = {
  ...statusHandlers,
  ...stockHandlers,
  ...shopHandlers,
  ...shopTestHandlers,
  ...issuesHandlers,
  ...crmHandlers,
  ...syncHandlers,
  ...cartsHandlers,
  ...settingsHandlers,
  ...stockSentHandlers,
  ...chartsHandlers,
  ...catalogueHandlers,
};

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
  const handler = handlers[name] as (params: unknown, ctx: ApiContext) => Promise<unknown>;
  return handler(parsed.data, ctx);
}
