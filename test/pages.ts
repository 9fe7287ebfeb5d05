// Reading a connector's pages in tests: the first page only (what one request returns), or all of them.
import type { Page, Pages } from '../core/platforms/paging';

export { collect } from '../core/platforms/paging';

/** The first page of a listing; the reader stops there, so no further request is made. */
export async function firstPage<T>(pages: Pages<T>): Promise<Page<T>> {
  for await (const page of pages) return page;
  throw new Error('the listing yielded no page at all');
}

/**
 * The same pages, with `before(n)` run ahead of reading page n (1-based; also ahead of the read
 * that finds the end) and `after(n)` once it is read: what a test puts around each request.
 */
export async function* aroundPages<T>(pages: Pages<T>, hooks: { before?: (n: number) => unknown; after?: (n: number, page: Page<T>) => unknown }): AsyncGenerator<Page<T>> {
  const reader = pages[Symbol.asyncIterator]();
  try {
    for (let n = 1; ; n++) {
      await hooks.before?.(n);
      const next = await reader.next();
      if (next.done) return;
      await hooks.after?.(n, next.value);
      yield next.value;
    }
  } finally {
    await reader.return?.();
  }
}
