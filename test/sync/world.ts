// A practice world for sync tests: a real engine on a temp data directory and WooCommerce sandboxes
// on 127.0.0.1, connected through the real platform module (real HTTP, nothing mocked).
import { hostEngine, type EngineHost } from '../../core/engine/host';
import type { ShopConnectorFactory } from '../../core/engine/engine';
import { defaultConnectorFactory } from '../../core/engine/default-connectors';
import { startWooSandbox, type WooSandbox, type WooSandboxOptions } from '../../sandbox/woocommerce';
import { tempDir } from '../helpers';

export interface World {
  dataDir: string;
  host: EngineHost;
  shops: Map<string, WooSandbox>;
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

export async function openWorld(options: { shops: ShopSpec[]; locations?: string[]; factory?: ShopConnectorFactory; dataDir?: string }): Promise<World> {
  const dataDir = options.dataDir ?? (await tempDir('br-sync-'));
  const factory = options.factory ?? defaultConnectorFactory;
  let host = (await hostEngine({ dataDir, serve: false, connectorFactory: factory }))!;
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
  const world: World = {
    dataDir,
    get host() {
      return host;
    },
    shops,
    async restart(nextFactory = factory) {
      await host.close();
      host = (await hostEngine({ dataDir, serve: false, connectorFactory: nextFactory }))!;
      return host;
    },
    async close() {
      await host.close();
      await Promise.all([...shops.values()].map((s) => s.close()));
    },
  };
  return world;
}

/** Counts requests a sandbox saw, optionally only those matching. */
export function requestsTo(sandbox: WooSandbox, match?: RegExp, method?: string): number {
  return sandbox.log.filter((r) => (!match || match.test(r.path)) && (!method || r.method === method)).length;
}
