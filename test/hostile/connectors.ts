// Every connector built the same way against an arbitrary base address, so the hostile suites can
// point each one at a misbehaving server and call one read through its public interface.
import { createActiveCampaignConnector } from '../../core/platforms/activecampaign/connector';
import type { PlatformLimits } from '../../core/platforms/http';
import { createMailchimpConnector } from '../../core/platforms/mailchimp/connector';
import { createShopifyConnector } from '../../core/platforms/shopify';
import { createWooConnector } from '../../core/platforms/woocommerce/connector';
import { firstPage } from '../pages';

export const CREDENTIALS = {
  wooKey: 'ck_hostile0000000000000000000000000000000001',
  wooSecret: 'cs_hostile0000000000000000000000000000000001',
  acKey: 'ac0hostile00000000000000000000000000000000000000000000000000000000000001',
  shopifyToken: 'shpat_hostile000000000000000000000001',
  mailchimpKey: '0123456789abcdef0123456789abcdef-us21',
};

/** Everything a credential could travel in, as one string per request, to search for the secrets. */
export function credentialTrace(headers: Record<string, string | string[] | undefined>, path: string): string {
  const auth = String(headers.authorization ?? '');
  const decoded = auth.startsWith('Basic ') ? Buffer.from(auth.slice(6), 'base64').toString('utf8') : '';
  return [path, decoded, ...Object.values(headers).map(String)].join('\n');
}

export function leakedSecrets(trace: string): string[] {
  return Object.entries(CREDENTIALS).filter(([, secret]) => trace.includes(secret)).map(([name]) => name);
}

export interface ConnectorCase {
  name: 'WooCommerce' | 'Shopify' | 'ActiveCampaign' | 'Mailchimp';
  /** One read through the connector's public interface, against the server at `baseUrl`. */
  read(baseUrl: string, limits: Partial<PlatformLimits>): Promise<unknown>;
}

export const CONNECTORS: ConnectorCase[] = [
  {
    name: 'WooCommerce',
    read: (url, limits) => firstPage(createWooConnector({ url }, { key: CREDENTIALS.wooKey, secret: CREDENTIALS.wooSecret }, { limits }).orderPages({ pageSize: 100 })),
  },
  {
    name: 'Shopify',
    read: (url, limits) => firstPage(createShopifyConnector({ domain: url }, { token: CREDENTIALS.shopifyToken }, { limits }).orderPages({ pageSize: 50 })),
  },
  {
    name: 'ActiveCampaign',
    read: (url, limits) => createActiveCampaignConnector({ url, key: CREDENTIALS.acKey, limits }).getContact('ann@example.com'),
  },
  {
    name: 'Mailchimp',
    read: (url, limits) => createMailchimpConnector({ key: CREDENTIALS.mailchimpKey, listId: 'a1b2c3d4e5', server: url, limits }).getContact('ann@example.com'),
  },
];
