import { PlatformError } from '../http';
import { isLoopbackHost } from '../url-policy';

/**
 * Reading a bulk query's result: Shopify writes it as JSONL (one object a line) on its storage
 * service, at a signed URL of another origin. The access token is never sent there, no redirect
 * is followed, the download has a deadline and a size cap, and lines are read as they arrive so
 * a large file is never held as one string. Objects of a nested connection come on lines of their
 * own with `__parentId`; they are put back under their parent (in any order: groupObjects is off).
 */

/** A bulk result larger than this is refused (about 2 KB an order: half a million orders). */
export const MAX_BULK_BYTES = 1024 * 1024 * 1024;
/** The whole download must finish within this. */
export const BULK_DOWNLOAD_MS = 10 * 60_000;

export interface BulkOrders {
  /** Order nodes as the orders query returns them (line items under `lineItems.nodes`). */
  orders: Record<string, unknown>[];
  lines: number;
}

function checkResultUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new PlatformError('malformed', `Shopify gave a bulk result address that is not a URL (${url.slice(0, 80)}).`);
  }
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && isLoopbackHost(parsed.hostname))) {
    throw new PlatformError('rejected', `Shopify's bulk result address must use https (got ${parsed.protocol}//${parsed.host}).`);
  }
  return parsed;
}

/** Downloads and assembles the JSONL of a bulk orders query. */
export async function downloadBulkOrders(url: string, options: { maxBytes?: number; timeoutMs?: number } = {}): Promise<BulkOrders> {
  const target = checkResultUrl(url);
  const maxBytes = options.maxBytes ?? MAX_BULK_BYTES;
  let response: Response;
  try {
    // No credentials: the URL is signed. No redirects: a signed URL does not move.
    response = await fetch(target, { redirect: 'error', signal: AbortSignal.timeout(options.timeoutMs ?? BULK_DOWNLOAD_MS) });
  } catch (error) {
    throw new PlatformError('transient', `Downloading Shopify's bulk result failed: ${(error as Error).message}`);
  }
  if (!response.ok || !response.body) throw new PlatformError(response.status >= 500 ? 'transient' : 'rejected', `Shopify's bulk result could not be downloaded (HTTP ${response.status}).`);
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) throw new PlatformError('rejected', `Shopify's bulk result is ${declared} bytes, more than the ${maxBytes} Backroom reads.`);

  const orders = new Map<string, Record<string, unknown>>();
  const children: { parentId: string; line: Record<string, unknown> }[] = [];
  let lines = 0;
  const take = (text: string) => {
    if (!text.trim()) return;
    lines++;
    let object: unknown;
    try {
      object = JSON.parse(text);
    } catch {
      throw new PlatformError('malformed', `Shopify's bulk result has a line that is not JSON (line ${lines}).`);
    }
    if (typeof object !== 'object' || object === null || Array.isArray(object)) throw new PlatformError('malformed', `Shopify's bulk result line ${lines} is not an object.`);
    const record = object as Record<string, unknown>;
    const parentId = record.__parentId;
    if (typeof parentId === 'string') {
      delete record.__parentId;
      children.push({ parentId, line: record });
    } else if (typeof record.id === 'string') {
      orders.set(record.id, { ...record, lineItems: { pageInfo: { hasNextPage: false, endCursor: null }, nodes: [] } });
    }
  };

  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let received = 0;
  let pending = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    if (received > maxBytes) {
      await reader.cancel();
      throw new PlatformError('rejected', `Shopify's bulk result is larger than the ${maxBytes} bytes Backroom reads.`);
    }
    pending += decoder.decode(value, { stream: true });
    const parts = pending.split('\n');
    pending = parts.pop() ?? '';
    for (const part of parts) take(part);
  }
  take(pending + decoder.decode());
  for (const { parentId, line } of children) {
    const parent = orders.get(parentId);
    if (parent) ((parent.lineItems as { nodes: unknown[] }).nodes).push(line);
  }
  return { orders: [...orders.values()], lines };
}
