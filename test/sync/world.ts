// A practice world for sync tests: a real engine on a temp data directory and WooCommerce sandboxes
// on 127.0.0.1, connected through the real platform module (real HTTP, nothing mocked).
import { hostEngine, type EngineHost } from '../../core/host/host';
import type { Clock } from '../../core/runtime/clock';
import type { CrmConnectorFactory, ShopConnectorFactory } from '../../core/engine/engine';
import { createCrmConnector } from '../../core/platforms/crm';
import { startActiveCampaignSandbox, type ActiveCampaignSandbox } from '../../sandbox/activecampaign/server';
import { createShopConnector } from '../../core/platforms';
import type { ShopConnector } from '../../core/platforms/types';
import { startWooSandbox, type WooSandbox, type WooSandboxOptions } from '../../sandbox/woocommerce';
import { tempDir } from '../helpers';

export interface World {
  dataDir: string;
  host: EngineHost;
  shops: Map<string, WooSandbox>;
  crms: Map<string, ActiveCampaignSandbox>;
  /** Re-opens the engine on the same data directory (a restart). */
  restart(factory?: ShopConnectorFactory): Promise<EngineHost>;
  close(): Promise<void>;
}

export interface ShopSpec {
  name: string;
  location?: string;
  statuses?: string[];
  sandbox?: WooSandboxOptions;
}

/** Shop connectors with the platform's retries but short back-off, so failure tests do not wait for production delays. */
export const quickShopFactory: ShopConnectorFactory = (shop, credentials) => createShopConnector(shop, credentials, { limits: { backoffLimitMs: 250 } });

/**
 * A factory whose connectors are the real ones (real HTTP to the sandbox) with some operations
 * wrapped, e.g. to simulate a crash right after the shop accepted a call. `wrap` gets the real
 * connector and returns the operations to replace.
 */
export function wrappedShopFactory(wrap: (real: ShopConnector) => Partial<ShopConnector>): ShopConnectorFactory {
  return async (shop, credentials) => {
    const real = await quickShopFactory(shop, credentials);
    // Spread copies the methods; stats and limits are read through the real connector.
    return { ...real, stats: real.stats, limits: real.limits, ...wrap(real) };
  };
}

/** CRM connectors with short back-off, so retry tests do not wait for production delays. */
export const quickCrmFactory: CrmConnectorFactory = (crm, credentials) => createCrmConnector(crm, credentials, { limits: { retries: 1, backoffLimitMs: 200, maxRetryAfterMs: 2000 } });

export interface WorldOptions {
  shops: ShopSpec[];
  locations?: string[];
  factory?: ShopConnectorFactory;
  dataDir?: string;
  clock?: Clock;
  /** ActiveCampaign sandboxes to connect, by connection name. */
  crms?: string[];
  crmFactory?: CrmConnectorFactory;
}

export async function openWorld(options: WorldOptions): Promise<World> {
  const dataDir = options.dataDir ?? (await tempDir('br-sync-'));
  const factory = options.factory ?? quickShopFactory;
  const crmFactory = options.crmFactory ?? quickCrmFactory;
  const open = (f: ShopConnectorFactory) => hostEngine({ dataDir, serve: false, connectorFactory: f, crmConnectorFactory: crmFactory, clock: options.clock });
  let host = (await open(factory))!;
  const shops = new Map<string, WooSandbox>();
  for (const location of options.locations ?? []) await host.client.call('location.add', { name: location });
  for (const spec of options.shops) {
    const sandbox = await startWooSandbox(spec.sandbox);
    shops.set(spec.name, sandbox);
    await host.client.call('shop.add', {
      platform: 'woocommerce', name: spec.name, url: sandbox.url, key: sandbox.credentials.key, secret: sandbox.credentials.secret,
      statuses: spec.statuses, location: spec.location, combined: spec.location ? undefined : true,
    });
  }
  const crms = new Map<string, ActiveCampaignSandbox>();
  for (const name of options.crms ?? []) {
    const crm = await startActiveCampaignSandbox();
    crms.set(name, crm);
    await host.client.call('crm.add', { platform: 'activecampaign', name, url: crm.accountUrl, key: crm.key });
  }
  const world: World = {
    dataDir,
    crms,
    get host() {
      return host;
    },
    shops,
    async restart(nextFactory = factory) {
      await host.close();
      host = (await open(nextFactory))!;
      return host;
    },
    async close() {
      await host.close();
      await Promise.all([...shops.values(), ...crms.values()].map((s) => s.close()));
    },
  };
  return world;
}

/** Counts requests a sandbox saw, optionally only those matching. */
export function requestsTo(sandbox: WooSandbox, match?: RegExp, method?: string): number {
  return sandbox.log.filter((r) => (!match || match.test(r.path)) && (!method || r.method === method)).length;
}
