import { createShopConnector } from '../platforms';
import type { ShopConnectorFactory } from './engine';

/** The real platform modules; tests pass their own factory instead. */
export const defaultConnectorFactory: ShopConnectorFactory = (shop, credentials) => createShopConnector(shop, credentials);
