export { createShopifyConnector, SHOPIFY_API_VERSION, SHOPIFY_LIMITS, type ShopifyConnectorOptions } from './connector';
export { backroomStatus, TRACKING_OPT_OUT_ATTRIBUTE, CHECKOUT_ID_PREFIX } from './map';
export { ORDER_PAGE_SIZE, SET_QUANTITIES_BATCH } from './queries';
