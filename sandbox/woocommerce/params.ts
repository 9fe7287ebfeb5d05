import type { SandboxRequest, SandboxResponse } from '../kit/server';
import { parseWallClock } from './time';
import { wpError } from './wire';

/**
 * WordPress' checks of collection query parameters, with its error shape:
 * `{"code":"rest_invalid_param","message":"Invalid parameter(s): per_page","data":{"status":400,"params":{...}}}`.
 */
export class InvalidParam extends Error {
  constructor(
    readonly param: string,
    readonly detail: string,
  ) {
    super(detail);
  }

  response(): SandboxResponse {
    return wpError(400, 'rest_invalid_param', `Invalid parameter(s): ${this.param}`, { params: { [this.param]: this.detail } });
  }
}

export function intParam(req: SandboxRequest, name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = req.query.get(name);
  if (raw === null || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new InvalidParam(name, `${name} is not of type integer.`);
  const value = Number(raw);
  if (value < min || value > max) {
    throw new InvalidParam(name, max === Number.MAX_SAFE_INTEGER ? `${name} must be greater than or equal to ${min}` : `${name} must be between ${min} (inclusive) and ${max} (inclusive)`);
  }
  return value;
}

export function enumParam<T extends string>(req: SandboxRequest, name: string, allowed: readonly T[], fallback: T): T {
  const raw = req.query.get(name);
  if (raw === null || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) throw new InvalidParam(name, `${name} is not one of ${allowed.join(', ')}.`);
  return raw as T;
}

/** A comma list (or repeated `name[]=` values) checked against an enum. */
export function listParam(req: SandboxRequest, name: string, allowed?: readonly string[]): string[] | null {
  const values = [...req.query.getAll(name), ...req.query.getAll(`${name}[]`)].flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  if (values.length === 0) return null;
  if (allowed) {
    values.forEach((v, i) => {
      if (!allowed.includes(v)) throw new InvalidParam(name, `${name}[${i}] is not one of ${allowed.join(', ')}.`);
    });
  }
  return values;
}

export function boolParam(req: SandboxRequest, name: string): boolean {
  const raw = req.query.get(name);
  if (raw === null || raw === '') return false;
  if (['true', '1'].includes(raw.toLowerCase())) return true;
  if (['false', '0'].includes(raw.toLowerCase())) return false;
  throw new InvalidParam(name, `${name} is not of type boolean.`);
}

export function dateParam(req: SandboxRequest, name: string): number | null {
  const raw = req.query.get(name);
  if (raw === null || raw === '') return null;
  const ms = parseWallClock(raw);
  if (ms === null) throw new InvalidParam(name, 'Invalid date.');
  return ms;
}

/** One page of a collection with WordPress' pagination headers. */
export function page<T>(items: readonly T[], pageNo: number, perPage: number, render: (item: T) => unknown): SandboxResponse {
  const total = items.length;
  const totalPages = Math.ceil(total / perPage);
  const slice = items.slice((pageNo - 1) * perPage, pageNo * perPage);
  return { status: 200, headers: { 'X-WP-Total': String(total), 'X-WP-TotalPages': String(totalPages) }, body: slice.map(render) };
}
