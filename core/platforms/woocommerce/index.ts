export { createWooConnector, describeWooError, WOO_BATCH_SIZE, WOO_LIMITS, WOO_PAGE_SIZE, type WooConnectorOptions } from './connector';
export { TRACKING_OPT_OUT_META } from './map';
