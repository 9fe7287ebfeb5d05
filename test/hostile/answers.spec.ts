import { afterEach, describe, expect, it } from 'vitest';
import { PlatformError } from '../../core/platforms/http';
import { startHostileServer, type HostileBehaviour, type HostileServer } from '../../sandbox/kit/hostile';
import { CONNECTORS, leakedSecrets } from './connectors';

/**
 * Every connector against servers that answer badly: each call ends in one clear PlatformError
 * (never a crash, never a hang, never an unbounded read) whose message holds no credential.
 */
const servers: HostileServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const MB = 1024 * 1024;

interface HostileCase {
  name: string;
  behaviour: HostileBehaviour;
  /** Limits for this case: short timeouts for the servers that never answer (real time: a few seconds). */
  limits?: { timeoutMs?: number; connectTimeoutMs?: number };
  /** What the message must say. */
  message: RegExp;
  kinds: PlatformError['kind'][];
}

const CASES: HostileCase[] = [
  { name: 'a 200 MB answer', behaviour: { kind: 'huge', bytes: 200 * MB }, message: /larger than 32 MB/, kinds: ['rejected'] },
  { name: 'a 200 MB answer declared up front', behaviour: { kind: 'huge', bytes: 200 * MB, declareLength: true }, message: /larger than 32 MB/, kinds: ['rejected'] },
  { name: 'a server that accepts and never answers', behaviour: { kind: 'silent' }, limits: { timeoutMs: 3000 }, message: /did not start answering .* within 3 s/, kinds: ['transient'] },
  { name: 'an answer that never ends', behaviour: { kind: 'trickle', everyMs: 200 }, limits: { timeoutMs: 3000 }, message: /did not finish answering .* within 3 s/, kinds: ['transient'] },
  { name: 'garbage instead of JSON', behaviour: { kind: 'raw', body: '{"orders": [{"id": 1, "sta' }, message: /not valid JSON/, kinds: ['malformed'] },
  { name: 'an HTML page', behaviour: { kind: 'raw', body: '<html><body>Site under maintenance</body></html>', contentType: 'text/html' }, message: /not valid JSON/, kinds: ['malformed'] },
  { name: 'null as the answer', behaviour: { kind: 'json', body: null }, message: /unexpected response|could not be read/, kinds: ['malformed'] },
  { name: 'a number as the answer', behaviour: { kind: 'json', body: 42 }, message: /unexpected response|could not be read/, kinds: ['malformed'] },
  { name: 'a string as the answer', behaviour: { kind: 'json', body: 'ok' }, message: /unexpected response|could not be read/, kinds: ['malformed'] },
  { name: 'an error status with a garbage body', behaviour: { kind: 'raw', status: 400, body: '\u0000\u0001garbage' }, message: /HTTP 400/, kinds: ['rejected'] },
];

async function outcomeOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => ({ resolved: value }),
    (error: unknown) => error,
  );
}

describe('hostile servers against every connector', () => {
  for (const connector of CONNECTORS) {
    for (const c of CASES) {
      it(`${connector.name}: ${c.name} ends in a clear error`, { timeout: 60_000 }, async () => {
        const server = await startHostileServer(c.behaviour);
        servers.push(server);
        const rssBefore = process.memoryUsage().rss;
        const outcome = await outcomeOf(connector.read(server.url, { retries: 0, ...c.limits }));
        const grownMb = (process.memoryUsage().rss - rssBefore) / MB;
        expect(outcome, JSON.stringify(outcome)).toBeInstanceOf(PlatformError);
        const error = outcome as PlatformError;
        expect(c.kinds).toContain(error.kind);
        expect(error.message).toMatch(c.message);
        expect(error.message).toMatch(new RegExp(connector.name));
        expect(leakedSecrets(error.message)).toEqual([]);
        // Memory is a figure, not an assertion here: the cap is proven by the message and the abort.
        if (c.behaviour.kind === 'huge') console.log(`${connector.name}, ${c.name}: RSS grew ${grownMb.toFixed(0)} MB during the call`);
      });
    }
  }
});
