/**
 * Helpers for the practice shop's resolvers. Values are plain objects; a field that takes
 * arguments is a function of them (graphql's default resolver calls it with the arguments).
 */

/** A refusal from a resolver, carried to the answer's `errors` with Shopify's code. */
export class FieldError extends Error {
  constructor(message: string, readonly path: (string | number)[], readonly code = 'undefinedField') {
    super(message);
  }
}

/** Set on the arguments of every resolver call inside a bulk operation: connections then return every item. */
export const BULK = '__bulk';

export interface PageArgs {
  first?: unknown;
  after?: unknown;
  last?: unknown;
  [BULK]?: boolean;
}

/**
 * A connection over already sorted items. Cursors are opaque (base64 JSON of the item's sort key),
 * so `after` continues behind the item last seen even when earlier items changed meanwhile.
 */
export function connection<T>(typeName: string, items: T[], args: PageArgs, sortKey: (item: T) => (string | number)[]): Record<string, unknown> {
  if (args[BULK]) return connectionPage(typeName, items, 0, items.length, sortKey);
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
  return connectionPage(typeName, items, start, args.first, sortKey);
}

function connectionPage<T>(typeName: string, items: T[], start: number, size: number, sortKey: (item: T) => (string | number)[]): Record<string, unknown> {
  const page = items.slice(start, start + size);
  const cursor = (item: T) => Buffer.from(JSON.stringify(sortKey(item))).toString('base64');
  return {
    __typename: `${typeName}Connection`,
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
