import got, { HTTPError, RequestError, TimeoutError, type Got, type Method } from 'got';
import PQueue from 'p-queue';
import type { z } from 'zod';
import { PlatformError, type PlatformErrorKind } from './errors';
import { createPacer, realPacerClock, retryAfterMs, type Pacer, type PacerClock, type RollingWindow } from './pacer';
import { isRefusedPlainHttp } from './url-policy';

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
   * For platforms that count requests in a rolling window (ActiveCampaign: 5 per second): every
   * start, retries included, is paced so that no window can hold more (see pacer.ts). p-queue's
   * fixed windows alone let two bursts meet at a window edge.
   */
  rollingWindow?: RollingWindow;
  /** The whole request: connecting, sending and reading the complete answer. */
  timeoutMs: number;
  /** Looking up the host and opening the connection (TLS included); default 15 s. */
  connectTimeoutMs?: number;
  /** Largest answer read; a bigger one is abandoned as it streams in. Default 32 MiB. */
  maxResponseBytes?: number;
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
  /** The merchant allowed plain http to this (non-loopback) address; otherwise such a base URL is refused. */
  allowHttp?: boolean;
  /**
   * The clock the pacing and Retry-After holds run on (default: real time). Tests hand in the
   * engine's fake clock, and a sandbox counting on the same clock, so pacing never races the CPU.
   */
  clock?: PacerClock;
  /**
   * Paces the starts instead of an in-process pacer on `limits.rollingWindow`: a window shared by
   * every worker process (store/postgres/rate-window.ts) when several send for one account.
   */
  pacer?: Pacer;
}

export interface HttpClient {
  request<T>(req: HttpRequest<T>): Promise<HttpResponse<T>>;
  /**
   * Requests sent, retries included: the benches and tests count these. `settled` counts the
   * attempts that ended (an answer of any status, or a failed connection), so requests − settled
   * is what is on the wire now.
   */
  readonly stats: { requests: number; retries: number; settled: number };
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 15_000;
/** A page of 100 WooCommerce orders with plugin meta is well under 5 MB; 32 MiB leaves room and still bounds memory. */
export const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

const TRANSIENT_STATUS = [408, 425, 429, 500, 502, 503, 504, 520, 521, 522, 524];

export function describeSchemaProblem(error: z.ZodError): string {
  const issue = error.issues[0]!;
  return `field ${issue.path.map(String).join('.') || '(body)'}: ${issue.message}`;
}

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const { limits, platformName } = options;
  // The last line of defence: whatever stored the address, keys never go out over plain http unasked.
  if (isRefusedPlainHttp(new URL(options.baseUrl), options)) {
    throw new PlatformError('rejected', `The ${platformName} address ${new URL(options.baseUrl).origin} uses plain http, which Backroom refuses unless you allow it for this connection (--allow-http).`);
  }
  const stats = { requests: 0, retries: 0, settled: 0 };
  const clock = options.clock ?? realPacerClock;
  const queue = new PQueue({
    concurrency: limits.concurrency,
    // A platform with a rolling window is paced by the pacer alone (on the injected clock): its
    // window is stricter than fixed one-second windows, which would only add a wait on real time.
    ...(limits.requestsPerSecond && !limits.rollingWindow ? { intervalCap: limits.requestsPerSecond, interval: 1000 } : {}),
  });
  const pacer = options.pacer ?? createPacer(limits.rollingWindow, clock);
  const connectMs = limits.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const maxBytes = limits.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const auth = options.basicAuth ? `Basic ${Buffer.from(`${options.basicAuth.username}:${options.basicAuth.password}`).toString('base64')}` : undefined;
  const client: Got = got.extend({
    prefixUrl: options.baseUrl,
    headers: { 'user-agent': 'Backroom/0.1', accept: 'application/json', ...options.headers, ...(auth ? { authorization: auth } : {}) },
    // Each phase has its own limit, so a server that accepts and never answers, or answers forever, ends the call.
    timeout: { lookup: connectMs, connect: connectMs, secureConnect: connectMs, send: limits.timeoutMs, response: limits.timeoutMs, request: limits.timeoutMs },
    // Credentials go only to the configured origin: a redirect is reported, never followed.
    followRedirect: false,
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
      beforeRequest: [async () => { await pacer.acquire(); stats.requests++; }],
      // An attempt that failed without an answer settles here (an answer already settled in afterResponse).
      beforeRetry: [(error) => { stats.retries++; if (!(error instanceof HTTPError)) stats.settled++; }],
      beforeError: [(error) => { if (!(error instanceof HTTPError)) stats.settled++; return error; }],
      afterResponse: [
        (response) => {
          // A Retry-After speaks for the whole account: every request waits, counted from this answer's arrival.
          const now = clock.now();
          const wait = response.statusCode === 429 || response.statusCode === 503 ? retryAfterMs(response.headers['retry-after'], now) : undefined;
          if (wait !== undefined) pacer.holdUntil(now + Math.min(wait, limits.maxRetryAfterMs));
          stats.settled++;
          return response;
        },
      ],
    },
  });

  async function send<T>(req: HttpRequest<T>): Promise<HttpResponse<T>> {
    const method = req.method ?? 'GET';
    const searchParams = Object.fromEntries(Object.entries(req.searchParams ?? {}).filter(([, v]) => v !== undefined)) as Record<string, string | number | boolean>;
    const repeatable = req.idempotent || method !== 'POST';
    const what = `${method} ${req.path || '/'}`;
    const pending = client(req.path.replace(/^\//, ''), {
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
    // The body is counted as it streams in and abandoned past the cap, so a huge answer never fills memory.
    let tooBig = false;
    const abandon = () => {
      tooBig = true;
      pending.cancel();
    };
    pending.on('response', (res) => {
      if (Number(res.headers['content-length']) > maxBytes) abandon();
    });
    pending.on('downloadProgress', (progress) => {
      if (progress.transferred > maxBytes && !tooBig) abandon();
    });
    let response;
    try {
      response = await pending;
    } catch (error) {
      if (tooBig) {
        throw new PlatformError('rejected', `${platformName} sent an answer larger than ${formatBytes(maxBytes)} to ${what}; Backroom reads at most ${formatBytes(maxBytes)} per answer, so it stopped reading.`);
      }
      throw toPlatformError(error, platformName, what, limits.timeoutMs, connectMs);
    }
    const status = response.statusCode;
    if (status >= 300 && status < 400) throw redirectError(platformName, status, response.headers.location, options.baseUrl);
    let body: unknown;
    try {
      body = response.body === '' ? null : JSON.parse(response.body);
    } catch {
      if (status >= 200 && status < 300) throw new PlatformError('malformed', `${platformName} sent a response that is not valid JSON (HTTP ${status}).`, status);
      body = response.body;
    }
    if (status < 200 || status >= 300) {
      const { message, code } = options.describeError(status, body);
      throw new PlatformError(kindForStatus(status), `${platformName} answered HTTP ${status}: ${message}`, status, code);
    }
    const parsed = req.schema.safeParse(body);
    if (!parsed.success) {
      throw new PlatformError('malformed', `${platformName} sent an unexpected response to ${what}: ${describeSchemaProblem(parsed.error)}`, status);
    }
    return { body: parsed.data, headers: response.headers, status };
  }

  return {
    stats,
    request: (req) => queue.add(() => send(req), { throwOnTimeout: true }),
  };
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / (1024 * 1024))} MB` : `${Math.round(bytes / 1024)} KB`;
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

/**
 * A redirect is never followed (it would carry the keys to wherever it points); the message names
 * the new address without its query, so the merchant can check it and update the URL themselves.
 */
function redirectError(platform: string, status: number, location: string | undefined, baseUrl: string): PlatformError {
  if (!location) return new PlatformError('rejected', `${platform} answered HTTP ${status} (a redirect) without saying where to; check the address in Backroom's settings.`, status);
  let target: string;
  try {
    const url = new URL(location, baseUrl);
    target = `${url.origin}${url.pathname === '/' ? '' : url.pathname}`;
  } catch {
    target = location.slice(0, 200);
  }
  return new PlatformError(
    'rejected',
    `${platform} answered with a redirect to ${target} (HTTP ${status}). Backroom does not follow redirects, so your keys only ever go to the address you entered — if that is the right place, use that address in the settings.`,
    status,
  );
}
function kindForStatus(status: number): PlatformErrorKind {
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'not-found';
  if (TRANSIENT_STATUS.includes(status)) return 'transient';
  return 'rejected';
}

function toPlatformError(error: unknown, platform: string, what: string, timeoutMs: number, connectMs: number): PlatformError {
  if (error instanceof PlatformError) return error;
  if (error instanceof HTTPError) return new PlatformError(kindForStatus(error.response.statusCode), `${platform} answered HTTP ${error.response.statusCode}`, error.response.statusCode);
  if (error instanceof RequestError) {
    if (error instanceof TimeoutError) {
      const phase = error.event;
      const why =
        phase === 'lookup' || phase === 'connect' || phase === 'secureConnect'
          ? `could not be reached within ${seconds(connectMs)} (no connection)`
          : phase === 'response' || !error.response
            ? `did not start answering ${what} within ${seconds(timeoutMs)}`
            : `did not finish answering ${what} within ${seconds(timeoutMs)}`;
      return new PlatformError('transient', `${platform} ${why}, after retrying.`);
    }
    const code = error.code ?? 'network error';
    return new PlatformError('network', `Could not reach ${platform} (${code}: ${error.message}) after retrying.`);
  }
  return new PlatformError('network', `${platform} call failed: ${(error as Error).message}`);
}
