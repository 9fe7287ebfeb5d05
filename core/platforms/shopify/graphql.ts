import type { z } from 'zod';
import { createHttpClient, describeSchemaProblem, PlatformError, type PlatformLimits } from '../http';
import { GraphqlEnvelope } from './wire';

/**
 * GraphQL over the shared HTTP client, with Shopify's cost-based rate limit. Every answer carries
 * `extensions.cost.throttleStatus` (bucket size, points left, restore rate); Backroom keeps that
 * picture, projects the refill, and waits before a query whose last known cost would not fit. A
 * `THROTTLED` answer (HTTP 200; the query did not run) is waited out and sent again.
 */

export interface GraphqlRequest<T> {
  /** The operation name in `query` (also the key for remembering its cost). */
  name: string;
  query: string;
  variables?: Record<string, unknown>;
  /** Checks `data`; a mismatch is a `malformed` error naming the field. */
  schema: z.ZodType<T>;
  /** False for mutations that must not be repeated after an unclear failure (fulfillmentCreate). */
  idempotent: boolean;
  /** For a connection query: the `first` it asks for, so its cost per node can be learned and the next page sized by it. */
  first?: number;
}

export interface GraphqlClient {
  run<T>(req: GraphqlRequest<T>): Promise<T>;
  readonly stats: { requests: number; retries: number };
  /** The throttle picture from the last answer (tests and the bench read it). */
  readonly throttle: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number; at: number } | null;
  /**
   * How many nodes the named connection query should ask for now: as many as the points expected
   * in the bucket pay for (by the cost per node Shopify's last answer showed), between `min` and
   * `max` (`documentedPerNode` until an answer shows it). Asking for what the bucket holds, instead of waiting until a full page fits, keeps the
   * bucket from idling with points parked in it.
   */
  pageSize(name: string, max: number, min: number, documentedPerNode: number): number;
}

export interface GraphqlClientOptions {
  endpoint: string;
  token: string;
  /** Named in messages that tell the merchant which command fixes the shop. */
  shopName?: string;
  limits: PlatformLimits;
  /** THROTTLED answers waited out before the call fails as transient. */
  throttleRetries: number;
  /** Waits come through here, so tests could run them on a fake clock. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The command that replaces a shop's token: `shop set` keeps the shop, its orders and its settings. */
export function setTokenCommand(shopName: string | undefined): string {
  return `backroom shop set ${shopName === undefined ? 'NAME' : JSON.stringify(shopName)} --token …`;
}

/** Turns Shopify's error bodies into a message a merchant can act on. */
export function describeShopifyError(status: number, body: unknown, shopName?: string): { message: string; code?: string } {
  const errors = typeof body === 'object' && body !== null ? (body as { errors?: unknown }).errors : undefined;
  const detail = typeof errors === 'string' ? errors : errors !== undefined ? JSON.stringify(errors) : typeof body === 'string' && body.length < 200 ? body : 'no details';
  if (status === 401) return { message: `the shop did not accept the access token (${detail}). Create an Admin API access token in the shop's custom app (Settings › Apps and sales channels › Develop apps) and enter it in Backroom (for a shop already added: Settings, or ${setTokenCommand(shopName)}).` };
  if (status === 403) return { message: `the access token lacks a permission (${detail}). The custom app needs read_orders, read_products, read/write_inventory, read_locations and read/write_merchant_managed_fulfillment_orders.` };
  if (status === 402) return { message: `the shop is frozen or unpaid (${detail}).` };
  if (status === 423) return { message: `the shop is locked (${detail}).` };
  return { message: detail };
}

export function createGraphqlClient(options: GraphqlClientOptions): GraphqlClient {
  const sleep = options.sleep ?? realSleep;
  const now = options.now ?? Date.now;
  const http = createHttpClient({
    baseUrl: options.endpoint,
    headers: { 'x-shopify-access-token': options.token, 'content-type': 'application/json' },
    limits: options.limits,
    describeError: (status, body) => describeShopifyError(status, body, options.shopName),
    platformName: 'Shopify',
  });
  const lastCost = new Map<string, number>();
  /** Requested points per node of each connection query, from Shopify's answers (cost = 2 + first × per node). */
  const perNode = new Map<string, number>();
  const CONNECTION_COST = 2;
  const expectedCost = (req: { name: string; first?: number }) => {
    const each = perNode.get(req.name);
    return req.first !== undefined && each !== undefined ? CONNECTION_COST + req.first * each : (lastCost.get(req.name) ?? 0);
  };
  let throttle: GraphqlClient['throttle'] = null;

  /** Points expected to be in the bucket now, from the last answer and the restore rate. */
  const projected = () => (throttle ? Math.min(throttle.maximumAvailable, throttle.currentlyAvailable + ((now() - throttle.at) / 1000) * throttle.restoreRate) : Infinity);

  /** Waits until `cost` points should be there, and books them so concurrent calls queue behind. */
  async function pace(cost: number): Promise<void> {
    if (!throttle) return;
    const missing = Math.min(cost, throttle.maximumAvailable) - projected();
    if (missing > 0) await sleep(Math.min(options.limits.maxRetryAfterMs, Math.ceil((missing / throttle.restoreRate) * 1000)));
    const left = projected() - cost;
    throttle = { ...throttle, currentlyAvailable: left, at: now() };
  }

  async function run<T>(req: GraphqlRequest<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      await pace(expectedCost(req));
      const res = await http.request({ method: 'POST', path: 'graphql.json', json: { query: req.query, variables: req.variables ?? {} }, schema: GraphqlEnvelope, idempotent: req.idempotent });
      const envelope = res.body;
      const cost = envelope.extensions?.cost;
      if (cost) {
        throttle = { ...cost.throttleStatus, at: now() };
        lastCost.set(req.name, cost.requestedQueryCost);
        if (req.first) perNode.set(req.name, Math.max(0, (cost.requestedQueryCost - CONNECTION_COST) / req.first));
      }
      const errors = typeof envelope.errors === 'string' ? [{ message: envelope.errors }] : (envelope.errors ?? []);
      const code = (e: (typeof errors)[number]) => ('extensions' in e ? e.extensions?.code : undefined);
      if (errors.some((e) => code(e) === 'THROTTLED')) {
        if (attempt >= options.throttleRetries) throw new PlatformError('transient', `Shopify kept throttling ${req.name} (cost-based rate limit) after ${attempt + 1} tries; it will be tried again on the next sync.`, res.status, 'THROTTLED');
        http.stats.retries++;
        // The query did not run; wait until its cost has been restored, then send it again.
        const status = cost?.throttleStatus;
        const needed = (cost?.requestedQueryCost ?? 0) - (status?.currentlyAvailable ?? 0);
        const waitMs = status && needed > 0 ? Math.ceil((needed / status.restoreRate) * 1000) : 1000;
        // `throttle` already holds this answer's status and time, so pacing the retry adds no second wait.
        await sleep(Math.min(options.limits.maxRetryAfterMs, waitMs));
        continue;
      }
      if (errors.length) {
        const first = errors[0]!;
        const c = code(first);
        const kind = c === 'ACCESS_DENIED' ? 'auth' : c === 'INTERNAL_SERVER_ERROR' ? 'transient' : 'rejected';
        const message = errors.map((e) => e.message.trim()).join('; ');
        throw new PlatformError(kind, `Shopify refused ${req.name}: ${message}`, res.status, c);
      }
      const parsed = req.schema.safeParse(envelope.data);
      if (!parsed.success) throw new PlatformError('malformed', `Shopify sent an unexpected answer to ${req.name}: ${describeSchemaProblem(parsed.error)}`, res.status);
      return parsed.data;
    }
  }

  function pageSize(name: string, max: number, min: number, documentedPerNode: number): number {
    // Until Shopify has priced this query, the cost per node written beside the document stands in.
    if (!perNode.has(name)) perNode.set(name, documentedPerNode);
    const each = perNode.get(name)!;
    if (each <= 0 || !throttle) return max;
    const fits = Math.floor((projected() - CONNECTION_COST) / each);
    return Math.max(min, Math.min(max, fits));
  }

  return {
    run,
    pageSize,
    stats: http.stats,
    get throttle() {
      return throttle;
    },
  };
}
