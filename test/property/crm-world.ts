// One engine on a fake clock with a WooCommerce sandbox (combined shop) and an ActiveCampaign
// sandbox, shared by the runs of a property: each run uses its own customers and a later stretch of
// time, so runs cannot see each other's carts or contacts. The CRM connector is the real one (real
// HTTP to the sandbox) with every tag change it makes recorded, bulk imports included, so a test can
// count applications.
import { FakeClock } from '../../core/runtime/clock';
import type { CrmConnectorFactory } from '../../core/engine/engine';
import { hostEngine, type EngineHost } from '../../core/host/host';
import { createCrmConnector } from '../../core/platforms/crm';
import type { CrmImporting } from '../../core/platforms/crm-types';
import { startActiveCampaignSandbox, type ActiveCampaignSandbox } from '../../sandbox/activecampaign/server';
import { startWooSandbox, type WooSandbox } from '../../sandbox/woocommerce';
import { tempDir } from '../helpers';
import { quickShopFactory } from '../sync/world';

export interface TagCall {
  email: string;
  tag: string;
  op: 'add' | 'remove';
}

export interface CrmWorld {
  clock: FakeClock;
  host: EngineHost;
  shop: WooSandbox;
  crm: ActiveCampaignSandbox;
  /** Every tag change the CRM accepted, in order (bulk imports included). */
  calls: TagCall[];
  /** Contacts a bulk import reported imported, in order. */
  imported: string[];
  close(): Promise<void>;
}

export async function openCrmWorld(start: string): Promise<CrmWorld> {
  const clock = new FakeClock(start);
  const calls: TagCall[] = [];
  const imported: string[] = [];
  // No 5-per-second pacing: the sandbox's rate limit is off, and pacing would make runs wait in real time.
  const crmFactory: CrmConnectorFactory = (connection, credentials) => {
    const real = createCrmConnector(connection, credentials, { limits: { retries: 1, backoffLimitMs: 200, maxRetryAfterMs: 2000, requestsPerSecond: 0 } });
    // A bulk import applies tags too: they count once the import reports the contact imported.
    const submitted = new Map<string, { email: string; tags: string[] }>();
    const imports: CrmImporting | undefined = real.imports && {
      ...real.imports,
      fit: real.imports.fit,
      async submit(contacts) {
        const answer = await real.imports!.submit(contacts);
        for (const c of contacts) submitted.set(c.operationId, { email: c.input.email.toLowerCase(), tags: c.tags });
        return answer;
      },
      async progress(batchId, contacts) {
        const progress = await real.imports!.progress(batchId, contacts);
        if (progress.state === 'finished') {
          for (const [id, outcome] of progress.results) {
            const sent = submitted.get(id);
            if (!outcome.ok || !sent) continue;
            submitted.delete(id);
            imported.push(sent.email);
            for (const tag of sent.tags) calls.push({ email: sent.email, tag, op: 'add' });
          }
        }
        return progress;
      },
    };
    return {
      ...real,
      imports,
      stats: real.stats,
      limits: real.limits,
      async applyTagChanges(changes) {
        const result = await real.applyTagChanges(changes);
        const failed = new Set(result.failed.map((f) => f.index));
        changes.forEach((c, i) => {
          if (failed.has(i)) return;
          for (const tag of c.apply) calls.push({ email: c.ref.email.toLowerCase(), tag, op: 'add' });
          for (const tag of c.remove) calls.push({ email: c.ref.email.toLowerCase(), tag, op: 'remove' });
        });
        return result;
      },
    };
  };
  const shop = await startWooSandbox({ now: () => clock.now().getTime(), seed: { products: 4, customers: 2 } });
  const crm = await startActiveCampaignSandbox({ rateLimit: false });
  const host = (await hostEngine({ dataDir: await tempDir('br-prop-crm-'), serve: false, connectorFactory: quickShopFactory, crmConnectorFactory: crmFactory, clock }))!;
  await host.client.call('shop.add', { platform: 'woocommerce', name: 'Main', url: shop.url, key: shop.credentials.key, secret: shop.credentials.secret, combined: true });
  await host.client.call('crm.add', { platform: 'activecampaign', name: 'AC', url: crm.accountUrl, key: crm.key });
  return {
    clock, host, shop, crm, calls, imported,
    async close() {
      await host.close();
      await Promise.all([shop.close(), crm.close()]);
    },
  };
}
