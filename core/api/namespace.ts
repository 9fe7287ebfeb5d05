import type { ApiContext } from './context';
import type { MethodDef, MethodMap, ParsedParamsOf, ResultOf } from './define';

/** Runs one API method: its parameters already checked by the method's schema, its result typed by it. */
export type HandlerOf<D extends MethodDef> = (params: ParsedParamsOf<D>, ctx: ApiContext) => Promise<ResultOf<D>>;
export type HandlersOf<C extends MethodMap> = { [M in keyof C]: HandlerOf<C[M]> };

/** One part of the API (orders, stock, shops…): its methods' schemas and the handlers that run them, side by side. */
export interface Namespace<C extends MethodMap = MethodMap> {
  readonly contract: C;
  readonly handlers: HandlersOf<C>;
}

/** Declares a namespace; the compiler checks that every method has its handler and nothing more. */
export function namespace<C extends MethodMap>(contract: C, handlers: HandlersOf<C>): Namespace<C> {
  return { contract, handlers };
}
