import { resolveArgs, type Field } from './document';

/**
 * Projects resolver values onto the requested selections, the way a GraphQL server answers: only
 * the fields asked for, an error for a field the type does not have. Resolver values are plain
 * objects tagged with `__typename`; a field that takes arguments is a function of them.
 */

export class FieldError extends Error {
  constructor(message: string, readonly path: (string | number)[], readonly code = 'undefinedField') {
    super(message);
  }
}

export type Resolver = (args: Record<string, unknown>) => unknown;

export interface Execution {
  data: Record<string, unknown>;
  /** Objects actually returned: Shopify refunds the difference between requested and actual cost. */
  actualCost: number;
}

export function execute(root: Record<string, unknown>, rootType: string, selections: Field[], variables: Record<string, unknown>): Execution {
  let actualCost = 0;

  const project = (raw: unknown, field: Field, path: (string | number)[]): unknown => {
    const value = typeof raw === 'function' ? (raw as Resolver)(resolveArgs(field.args, variables)) : raw;
    if (value === null || value === undefined) return null;
    if (Array.isArray(value)) return value.map((v, i) => project(v, field, [...path, i]));
    if (typeof value !== 'object') {
      if (field.selections) throw new FieldError(`Selections can't be made on scalars (field '${field.name}' returns a scalar)`, path, 'selectionMismatch');
      return value;
    }
    const object = value as Record<string, unknown>;
    if (!field.selections) {
      // Scalars that are JSON objects (none here) aside, an object needs a selection.
      throw new FieldError(`Field must have selections (field '${field.name}' returns ${String(object.__typename ?? 'an object')} but has no selections)`, path, 'selectionMismatch');
    }
    if (object.__typename !== 'PageInfo') actualCost += object.__connection ? 2 : 1;
    return selectFields(object, field.selections, path);
  };

  const selectFields = (object: Record<string, unknown>, fields: Field[], path: (string | number)[]): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const field of fields) {
      if (field.name === '__typename') {
        out.__typename = object.__typename;
        continue;
      }
      if (!(field.name in object) || field.name.startsWith('__')) {
        throw new FieldError(`Field '${field.name}' doesn't exist on type '${String(object.__typename ?? rootType)}'`, [...path, field.name]);
      }
      out[field.name] = project(object[field.name], field, [...path, field.name]);
    }
    return out;
  };

  const data = selectFields({ __typename: rootType, ...root }, selections, []);
  return { data, actualCost };
}

export interface PageArgs {
  first?: unknown;
  after?: unknown;
  last?: unknown;
}

/**
 * A connection over already sorted items. Cursors are opaque (base64 JSON of the item's sort key),
 * so `after` continues behind the item last seen even when earlier items changed meanwhile.
 */
export function connection<T>(typeName: string, items: T[], args: PageArgs, sortKey: (item: T) => (string | number)[]): Record<string, unknown> {
  if (args.last !== undefined && args.last !== null) throw new FieldError('This practice shop pages forward only (use first/after)', [], 'argumentNotAccepted');
  if (typeof args.first !== 'number') throw new FieldError('you must provide one of first or last', [], 'missingRequiredArguments');
  if (args.first > 250) throw new FieldError('first cannot exceed 250. To query larger amounts of data with fewer limits, bulk operations should be used instead.', [], 'argumentLimitExceeded');
  if (args.first < 0) throw new FieldError('first must be at least 0', [], 'argumentLimitExceeded');
  let start = 0;
  if (typeof args.after === 'string') {
    let key: (string | number)[];
    try {
      key = JSON.parse(Buffer.from(args.after, 'base64').toString('utf8')) as (string | number)[];
      if (!Array.isArray(key)) throw new Error('not a cursor');
    } catch {
      throw new FieldError(`Invalid cursor for current pagination sort.`, [], 'invalidCursor');
    }
    start = items.findIndex((item) => compareKeys(sortKey(item), key) > 0);
    if (start < 0) start = items.length;
  }
  const page = items.slice(start, start + args.first);
  const cursor = (item: T) => Buffer.from(JSON.stringify(sortKey(item))).toString('base64');
  return {
    __typename: `${typeName}Connection`,
    __connection: true,
    nodes: page,
    edges: page.map((node) => ({ __typename: `${typeName}Edge`, cursor: cursor(node), node })),
    pageInfo: {
      __typename: 'PageInfo',
      hasNextPage: start + page.length < items.length,
      hasPreviousPage: start > 0,
      startCursor: page.length ? cursor(page[0]!) : null,
      endCursor: page.length ? cursor(page[page.length - 1]!) : null,
    },
  };
}

export function compareKeys(a: (string | number)[], b: (string | number)[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}
