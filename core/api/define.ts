import type { z } from 'zod';

/** One API method: the schema its parameters are checked with, and (as a type only) its result. */
export interface MethodDef<P extends z.ZodType = z.ZodType, R = unknown> {
  params: P;
  /** Phantom: carries the result type, never read at run time. */
  readonly result?: R;
}

/** `method<Result>()(paramsSchema)` declares a method with its result type. */
export const method =
  <R>() =>
  <P extends z.ZodType>(params: P): MethodDef<P, R> => ({ params });

export type MethodMap = Record<string, MethodDef>;
export type ParamsOf<D> = D extends MethodDef<infer P, unknown> ? z.input<P> : never;
export type ParsedParamsOf<D> = D extends MethodDef<infer P, unknown> ? z.output<P> : never;
export type ResultOf<D> = D extends MethodDef<z.ZodType, infer R> ? R : never;

/** What front ends see of a shop or CRM connection: its settings, never its credentials. */
export type WithoutSecretRef<T> = T extends unknown ? Omit<T, 'secretRef'> & { hasCredentials: boolean } : never;
