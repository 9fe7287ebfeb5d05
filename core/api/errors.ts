import type { z } from 'zod';
import { redact } from '../store/redact';

/**
 * What went wrong with an API call, in a form every transport can carry.
 * `bad-input`, `not-found` and `conflict` are the caller's to fix (CLI exit 2); `failed` is the
 * operation failing (exit 1).
 */
export type ApiErrorCode = 'bad-input' | 'not-found' | 'conflict' | 'failed' | 'unknown-method' | 'unauthorized';

export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    /** The field, flag or file line at fault, when there is one. */
    readonly field?: string,
    /** Further detail, e.g. every bad row of a CSV file. */
    readonly details?: string[],
  ) {
    super(redact(message));
    this.name = 'ApiError';
  }

  toJSON(): SerializedApiError {
    return { code: this.code, message: this.message, field: this.field, details: this.details?.map(redact) };
  }

  static from(error: unknown): ApiError {
    if (error instanceof ApiError) return error;
    if (isSerializedApiError(error)) return new ApiError(error.code, error.message, error.field, error.details);
    const message = error instanceof Error ? error.message : String(error);
    return new ApiError('failed', message);
  }
}

export interface SerializedApiError {
  code: ApiErrorCode;
  message: string;
  field?: string;
  details?: string[];
}

export function isSerializedApiError(value: unknown): value is SerializedApiError {
  return typeof value === 'object' && value !== null && typeof (value as SerializedApiError).code === 'string' && typeof (value as SerializedApiError).message === 'string';
}

export const badInput = (field: string, message: string, details?: string[]) => new ApiError('bad-input', message, field, details);
export const notFound = (field: string, message: string) => new ApiError('not-found', message, field);
export const conflict = (field: string, message: string) => new ApiError('conflict', message, field);

/** The first problem of a schema check as `field: message`, naming the field the caller got wrong. */
export function describeIssue(error: z.ZodError): { field: string; message: string } {
  const issue = error.issues[0]!;
  const field = issue.path.map(String).join('.') || 'params';
  // Range checks (core/model BOUNDS) already say which setting, in the screens' words: no internal name in front.
  const sentence = issue.code === 'custom' && (issue.params as { sentence?: boolean } | undefined)?.sentence === true;
  return { field, message: sentence ? issue.message : `${field}: ${issue.message}` };
}

/** Checks a value about to be stored against its schema; a bad field becomes a bad-input error naming it. */
export function parseOrBadInput<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const { field, message } = describeIssue(parsed.error);
  throw badInput(field, message);
}
