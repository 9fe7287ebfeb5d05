import { z } from 'zod';
import { BOUNDS, boundedInt, Name, OrderPrefix, OrderStatusList, Quantity, Sku } from '../model';
import { settingsContract } from './contract-settings';
import { syncContract } from './contract-sync';
import { cartsContract } from './contract-carts';
import { crmContract } from './contract-crm';
import { chartsContract } from './contract-charts';
import { catalogueContract } from './contract-catalogue';
import type { ShopTestReport } from '../platforms/types';
import { method, type MethodMap } from './define';
import type { Alert, AlertGroup, ErrorEntry, Location, ShopView, StatusReport, StockImportResult, StockView } from './views';

const empty = z.object({}).strict();
const byId = z.object({ id: z.string().min(1, 'must not be empty') }).strict();

const shopCommon = {
  name: Name,
  prefix: OrderPrefix.optional(),
  statuses: OrderStatusList.optional(),
  location: Name.optional(),
  combined: z.boolean().optional(),
  /** Order pull interval in seconds (default 60, from 30 s to 24 h). */
  pollSeconds: boundedInt(BOUNDS.pollSeconds).optional(),
  /** Ask the shop with these keys before saving anything (the CLI, the window and the TUI do; `--no-check` skips it). */
  check: z.boolean().default(false),
};

export const ShopAddParams = z.discriminatedUnion('platform', [
  z.object({
    platform: z.literal('woocommerce'),
    url: z.string().min(1, 'must not be empty'),
    key: z.string().trim().min(1, 'must not be empty'),
    secret: z.string().trim().min(1, 'must not be empty'),
    /** Allow a plain-http address off this computer (the keys then travel unencrypted). */
    allowHttp: z.boolean().optional(),
    ...shopCommon,
  }).strict(),
  z.object({
    platform: z.literal('shopify'),
    domain: z.string().trim().min(1, 'must not be empty'),
    token: z.string().trim().min(1, 'must not be empty'),
    /** The Shopify location (name or GID) to set stock at; the first active one when omitted. */
    shopifyLocation: z.string().trim().min(1, 'must not be empty').optional(),
    ...shopCommon,
  }).strict(),
]);
export type ShopAddParams = z.input<typeof ShopAddParams>;

const optionalText = z.string().trim().min(1, 'must not be empty').optional();
/** A connected shop's address and keys; what is left out stays. Keys are re-tested unless `check` is false. */
export const ShopConnectionParams = z.object({
  name: Name,
  url: optionalText,
  key: optionalText,
  secret: optionalText,
  domain: optionalText,
  token: optionalText,
  check: z.boolean().default(true),
}).strict();

/**
 * The one API every front end uses (CLI, TUI, desktop window, browser page). Each entry checks
 * its parameters with a schema; later issues add their methods here.
 */
export const contract = {
  status: method<StatusReport>()(empty),

  'location.add': method<Location>()(z.object({ name: Name }).strict()),
  'location.list': method<Location[]>()(empty),

  'stock.set': method<StockView>()(z.object({ sku: Sku, quantity: Quantity, location: Name }).strict()),
  'stock.list': method<StockView[]>()(z.object({ sku: z.string().optional() }).strict()),
  'stock.import': method<StockImportResult>()(
    z.object({ csv: z.string(), dryRun: z.boolean().default(false), fileName: z.string().default('CSV') }).strict(),
  ),

  'shop.add': method<ShopView>()(ShopAddParams),
  'shop.list': method<ShopView[]>()(empty),
  'shop.remove': method<{ removed: string }>()(z.object({ name: Name }).strict()),
  'shop.test': method<ShopTestReport>()(z.object({ name: Name }).strict()),
  'shop.setConnection': method<ShopView>()(ShopConnectionParams),

  'errors.list': method<ErrorEntry[]>()(z.object({ all: z.boolean().default(false) }).strict()),
  'errors.dismiss': method<ErrorEntry>()(byId),
  'alerts.list': method<Alert[]>()(z.object({ all: z.boolean().default(false) }).strict()),
  'alerts.dismiss': method<Alert>()(byId),
  /** Alerts grouped by kind and shop or CRM, with a count and the newest example. */
  'alerts.groups': method<AlertGroup[]>()(z.object({ all: z.boolean().default(false) }).strict()),
  /** Dismisses every open alert of one group. */
  'alerts.dismissGroup': method<{ group: string; dismissed: number }>()(z.object({ group: z.string().min(1, 'must not be empty') }).strict()),

  ...syncContract,
  ...cartsContract,
  ...settingsContract,
  ...crmContract,
  ...chartsContract,
  ...catalogueContract,
} satisfies MethodMap;

export type Contract = typeof contract;
export type MethodName = keyof Contract;
