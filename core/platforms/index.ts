import type { Shop } from '../model';
import { PlatformError } from './http';
import { createShopifyConnector, type ShopifyConnectorOptions } from './shopify';
import type { ShopConnector } from './types';
import { createWooConnector, type WooConnectorOptions } from './woocommerce';

export type { ShopConnector } from './types';
export { PlatformError } from './http';

/** The connector for a configured shop, given its stored credentials. */
export function createShopConnector(shop: Shop, credentials: Record<string, string>, options: WooConnectorOptions & ShopifyConnectorOptions = {}): ShopConnector {
  if (shop.platform === 'woocommerce') return createWooConnector(shop, credentials, options);
  if (shop.platform === 'shopify') return createShopifyConnector(shop, credentials, { location: shop.shopifyLocation, ...options });
  throw new PlatformError('rejected', `Shop "${(shop as Shop).name}" is on a platform Backroom does not support.`);
}
