import { afterEach, describe, expect, it } from 'vitest';
import { PlatformError } from '../../core/platforms/http';
import { startHostileServer, type HostileServer } from '../../sandbox/kit/hostile';
import { CONNECTORS, credentialTrace, leakedSecrets } from './connectors';

const servers: HostileServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function settle(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => ({ resolved: value }),
    (error: unknown) => error,
  );
}

describe('API calls follow no redirect', () => {
  for (const connector of CONNECTORS) {
    for (const status of [301, 302, 307, 308] as const) {
      it(`${connector.name}: a ${status} to another port is an error naming the new address, and nothing reaches that port`, async () => {
        // The second server answers like a healthy, empty platform would, so following the redirect would "work".
        const elsewhere = await startHostileServer({ kind: 'json', body: [] });
        const shop = await startHostileServer({ kind: 'redirect', to: elsewhere.url, status });
        servers.push(elsewhere, shop);
        const outcome = await settle(connector.read(shop.url, { retries: 0 }));
        expect(outcome).toBeInstanceOf(PlatformError);
        const error = outcome as PlatformError;
        expect(error.kind).toBe('rejected');
        expect(error.message).toContain(`redirect to ${elsewhere.url}`);
        expect(error.message).toMatch(/use that address/);
        expect(elsewhere.seen).toEqual([]);
        expect(shop.seen.length).toBeGreaterThan(0);
        for (const request of elsewhere.seen) expect(leakedSecrets(credentialTrace(request.headers, request.path))).toEqual([]);
      });
    }
  }
});
