import type { Shop } from '../model';
import { PlatformError } from './http';
import type { ShopConnector } from './types';
import { createWooConnector, type WooConnectorOptions } from './woocommerce';

export type { ShopConnector } from './types';
export { PlatformError } from './http';

/** The connector for a configured shop, given its stored credentials. */
export function createShopConnector(shop: Shop, credentials: Record<string, string>, options: WooConnectorOptions = {}): ShopConnector {
  if (shop.platform === 'woocommerce') return createWooConnector(shop, credentials, options);
  throw new PlatformError('rejected', `Shop "${shop.name}" is a Shopify shop; Backroom does not support Shopify yet.`);
}
