import got, { HTTPError, RequestError, type Got, type Method } from 'got';
import PQueue from 'p-queue';
import type { z } from 'zod';
import { PlatformError, type PlatformErrorKind } from './errors';

/**
 * What a platform declares about talking to it (ARCHITECTURE: "platforms are data + mapping").
 * Retries, back-off and rate limits are configured from this, not coded per call.
 */
export interface PlatformLimits {
  /** Requests in flight at once. */
  concurrency: number;
  /** Requests started per second; omit for no limit beyond concurrency. */
  requestsPerSecond?: number;
  /**
   * Smallest gap between the starts of two requests, retries included. For platforms that count
   * requests in a rolling window (ActiveCampaign: 5 per second): p-queue's fixed windows can let
   * two bursts meet at a window edge, which a rolling window counts as one over the limit.
   */
  minSpacingMs?: number;
  timeoutMs: number;
  /** Retries of transient failures (network, 429, 5xx) before the call fails. */
  retries: number;
  /** Longest Retry-After Backroom waits inside one call; longer ones fail the call as transient. */
  maxRetryAfterMs: number;
  /** Upper bound of the exponential back-off between retries. */
  backoffLimitMs?: number;
}

export { PlatformError, type PlatformErrorKind } from './errors';

export interface HttpRequest<T> {
  method?: Method;
  /** Path relative to the client's base URL. */
  path: string;
  searchParams?: Record<string, string | number | boolean | undefined>;
  json?: unknown;
  /** Every response body is checked; a body that does not fit becomes a `malformed` error naming the field. */
  schema: z.ZodType<T>;
  /** POST is not retried unless the call says it is safe (idempotent) to repeat. */
  idempotent?: boolean;
}

export interface HttpResponse<T> {
  body: T;
  headers: Record<string, string | string[] | undefined>;
  status: number;
}

export interface HttpClientOptions {
  baseUrl: string;
  headers?: Record<string, string>;
  /** HTTP Basic credentials. */
  basicAuth?: { username: string; password: string };
  limits: PlatformLimits;
  /** Pulls the platform's message and code out of an error body. */
  describeError(status: number, body: unknown): { message: string; code?: string };
  /** Names the platform in messages: "WooCommerce", "ActiveCampaign". */
  platformName: string;
}

export interface HttpClient {
  request<T>(req: HttpRequest<T>): Promise<HttpResponse<T>>;
  /** Requests sent, retries included: the benches and tests count these. */
  readonly stats: { requests: number; retries: number };
}

const TRANSIENT_STATUS = [408, 425, 429, 500, 502, 503, 504, 520, 521, 522, 524];

export function describeSchemaProblem(error: z.ZodError): string {
  const issue = error.issues[0]!;
  return `field ${issue.path.map(String).join('.') || '(body)'}: ${issue.message}`;
}

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const { limits } = options;
  const stats = { requests: 0, retries: 0 };
  const queue = new PQueue({
    concurrency: limits.concurrency,
    ...(limits.requestsPerSecond ? { intervalCap: limits.requestsPerSecond, interval: 1000 } : {}),
  });
  const pace = limits.minSpacingMs ? spacer(limits.minSpacingMs) : undefined;
  const auth = options.basicAuth ? `Basic ${Buffer.from(`${options.basicAuth.username}:${options.basicAuth.password}`).toString('base64')}` : undefined;
  const client: Got = got.extend({
    prefixUrl: options.baseUrl,
    headers: { 'user-agent': 'Backroom/0.1', accept: 'application/json', ...options.headers, ...(auth ? { authorization: auth } : {}) },
    timeout: { request: limits.timeoutMs },
    // Non-2xx responses still go through got's retry (429/5xx with Retry-After); once retries are
    // spent the response is returned and classified below instead of thrown.
    throwHttpErrors: false,
    responseType: 'text',
    retry: {
      limit: limits.retries,
      statusCodes: TRANSIENT_STATUS,
      maxRetryAfter: limits.maxRetryAfterMs,
      backoffLimit: limits.backoffLimitMs ?? 30_000,
      errorCodes: ['ETIMEDOUT', 'ECONNRESET', 'EADDRINUSE', 'ECONNREFUSED', 'EPIPE', 'ENOTFOUND', 'ENETUNREACH', 'EAI_AGAIN', 'ERR_STREAM_PREMATURE_CLOSE'],
    },
    hooks: {
      // beforeRequest runs for every attempt, so retries are paced too; got starts its timeout after it.
      beforeRequest: [async () => { await pace?.(); stats.requests++; }],
      beforeRetry: [() => { stats.retries++; }],
    },
  });

  async function send<T>(req: HttpRequest<T>): Promise<HttpResponse<T>> {
    const method = req.method ?? 'GET';
    const searchParams = Object.fromEntries(Object.entries(req.searchParams ?? {}).filter(([, v]) => v !== undefined)) as Record<string, string | number | boolean>;
    const repeatable = req.idempotent || method !== 'POST';
    let response;
    try {
      response = await client(req.path.replace(/^\//, ''), {
        method,
        searchParams,
        json: req.json,
        retry: {
          limit: limits.retries,
          methods: ['GET', 'PUT', 'HEAD', 'DELETE', 'OPTIONS', 'POST', 'PATCH'],
          // A 429 means the platform refused the request without acting on it, so even a POST that is
          // not safe to repeat is sent again after Retry-After. Any other failure of such a POST may
          // have taken effect and is not repeated.
          calculateDelay: ({ error, computedValue }) => (repeatable || error.response?.statusCode === 429 ? computedValue : 0),
        },
      });
    } catch (error) {
      throw toPlatformError(error, options.platformName);
    }
    const status = response.statusCode;
    let body: unknown;
    try {
      body = response.body === '' ? null : JSON.parse(response.body);
    } catch {
      if (status >= 200 && status < 300) throw new PlatformError('malformed', `${options.platformName} sent a response that is not valid JSON (HTTP ${status}).`, status);
      body = response.body;
    }
    if (status < 200 || status >= 300) {
      const { message, code } = options.describeError(status, body);
      throw new PlatformError(kindForStatus(status), `${options.platformName} answered HTTP ${status}: ${message}`, status, code);
    }
    const parsed = req.schema.safeParse(body);
    if (!parsed.success) {
      throw new PlatformError('malformed', `${options.platformName} sent an unexpected response to ${method} ${req.path}: ${describeSchemaProblem(parsed.error)}`, status);
    }
    return { body: parsed.data, headers: response.headers, status };
  }

  return {
    stats,
    request: (req) => queue.add(() => send(req), { throwOnTimeout: true }),
  };
}

/** Hands out start times at least `gapMs` apart, in call order (slots are reserved synchronously). */
function spacer(gapMs: number): () => Promise<void> {
  let next = 0;
  return async () => {
    const now = Date.now();
    const at = Math.max(now, next);
    next = at + gapMs;
    if (at > now) await new Promise((resolve) => setTimeout(resolve, at - now));
  };
}

function kindForStatus(status: number): PlatformErrorKind {
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'not-found';
  if (TRANSIENT_STATUS.includes(status)) return 'transient';
  return 'rejected';
}

function toPlatformError(error: unknown, platform: string): PlatformError {
  if (error instanceof PlatformError) return error;
  if (error instanceof HTTPError) return new PlatformError(kindForStatus(error.response.statusCode), `${platform} answered HTTP ${error.response.statusCode}`, error.response.statusCode);
  if (error instanceof RequestError) {
    const code = error.code ?? 'network error';
    const kind: PlatformErrorKind = error.name === 'TimeoutError' ? 'transient' : 'network';
    return new PlatformError(kind, `Could not reach ${platform} (${code}: ${error.message}) after retrying.`);
  }
  return new PlatformError('network', `${platform} call failed: ${(error as Error).message}`);
}
