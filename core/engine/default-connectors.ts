import type { CrmConnectorFactory, ShopConnectorFactory } from './engine';

// The platform modules (and got with them) load on first use, so commands that never talk to a
// platform — status, stock, settings — start without them.

/** The real shop platform modules; tests pass their own factory instead. */
export const defaultConnectorFactory: ShopConnectorFactory = async (shop, credentials) => (await import('../platforms')).createShopConnector(shop, credentials);

/** The real CRM platform modules. */
export const defaultCrmConnectorFactory: CrmConnectorFactory = async (crm, credentials) => (await import('../platforms/crm')).createCrmConnector(crm, credentials);
