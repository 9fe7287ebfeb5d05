import { z } from 'zod';
import { Instant, Source } from './common';

/**
 * A failed operation, stored with what is needed to run it again exactly (`errors retry`).
 * `operation.kind` names a retry handler the engine registers; `operation.args` is its input.
 */
export const Operation = z.object({
  kind: z.string(),
  args: z.record(z.string(), z.unknown()).default({}),
});
export type Operation = z.infer<typeof Operation>;

export const ErrorEntry = z.object({
  id: z.string(),
  source: Source,
  operation: Operation,
  /** Human label of the object concerned: `order WO:1043`, `SKU TS-RED-M`, `contact a@b.com`. */
  object: z.string(),
  /** The platform's message, already redacted. */
  message: z.string(),
  firstAt: Instant,
  lastAt: Instant,
  attempts: z.number().int().min(1),
  dismissed: z.boolean().default(false),
});
export type ErrorEntry = z.infer<typeof ErrorEntry>;

export const Alert = z.object({
  id: z.string(),
  /** Same key = same condition: raising it again updates the count instead of adding a row. */
  key: z.string(),
  source: Source,
  kind: z.enum(['unknown-sku', 'skipped-status', 'stock-unmanaged', 'sku-missing', 'low-stock', 'backorders', 'other']),
  message: z.string(),
  count: z.number().int().min(1),
  firstAt: Instant,
  lastAt: Instant,
  dismissed: z.boolean().default(false),
});
export type Alert = z.infer<typeof Alert>;
