// The contract for the repository member the engine and the scheduler need (their block at the end
// of core/store/repositories.ts), run on every implementation by repositoryContract (contract.ts):
// the settings without the catalogue say what `get()` says about everything else, see a unit's own
// writes, and are copies.
import { describe, expect, it } from 'vitest';
import { CrmConnection, Settings, Shop } from '../../core/model';
import type { ContractFactory } from './contract-subject';

const at = '2026-11-20T08:00:00.000Z';

const shop = (name: string, ordersSeconds: number): Shop =>
  Shop.parse({
    name, prefix: name.slice(0, 2).toUpperCase(), platform: 'woocommerce', url: `https://${name.toLowerCase()}.example.com`, statuses: ['processing'],
    location: { kind: 'combined' }, secretRef: `shop-${name}`, addedAt: at, intervals: { ordersSeconds, reconcileSeconds: 3600 },
  });

const crm = (name: string): CrmConnection => CrmConnection.parse({ name, platform: 'activecampaign', url: 'https://ac.example.com', secretRef: `crm-${name}`, addedAt: at });

export function engineAdditionsContract(factory: ContractFactory): void {
  describe(`repository contract, the engine's members: ${factory.name}`, () => {
    it('the settings without the catalogue are what get() says besides it, read the unit\'s own writes, and are copies', async () => {
      const subject = await factory.create();
      const first = await subject.open();
      try {
        const { catalogue: _none, ...fresh } = await first.repos.settings.get();
        expect(await first.repos.settings.withoutCatalogue()).toEqual(fresh);
        await first.repos.write(async (w) => {
          const settings = Settings.parse({ stockPushDebounceMs: 3000 });
          await w.settings.update({ settings, shops: [shop('Main', 120), shop('Outlet', 300)], crms: [crm('AC')] });
          await w.settings.update({ catalogue: { schemaVersion: 1, aliases: [{ shopSku: 'M-1', sku: 'MUG', addedAt: at }], bundles: {}, unlinked: {} } });
          const seen = await w.settings.withoutCatalogue();
          expect(seen.shops.map((s) => s.name)).toEqual(['Main', 'Outlet']);
          expect(seen).not.toHaveProperty('catalogue');
        });
      } finally {
        await first.close();
      }
      const again = await subject.open();
      try {
        const { catalogue, ...rest } = await again.repos.settings.get();
        expect(catalogue.aliases).toHaveLength(1);
        const read = await again.repos.settings.withoutCatalogue();
        expect(read).toEqual(rest);
        expect(read).not.toHaveProperty('catalogue');
        expect(read.settings.stockPushDebounceMs).toBe(3000);
        expect(read.shops.map((s) => [s.name, s.intervals.ordersSeconds])).toEqual([['Main', 120], ['Outlet', 300]]);
        expect(read.crms.map((c) => c.name)).toEqual(['AC']);
        read.shops[0]!.intervals.ordersSeconds = 5;
        read.crms.pop();
        const later = await again.repos.settings.withoutCatalogue();
        expect(later.shops[0]!.intervals.ordersSeconds, 'a copy').toBe(120);
        expect(later.crms, 'a copy').toHaveLength(1);
      } finally {
        await again.close();
      }
    });
  });
}
