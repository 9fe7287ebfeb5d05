import { isIP } from 'node:net';

/** True for addresses that never leave this machine (the sandbox shops). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1';
  return false;
}

/** The merchant's explicit permission to send keys over plain http to one shop or CRM (`--allow-http`). */
export interface HttpPermission {
  allowHttp?: boolean;
}

/** True when keys sent to this URL would cross a network unencrypted and the merchant has not allowed it. */
export function isRefusedPlainHttp(url: URL, permission: HttpPermission = {}): boolean {
  return url.protocol === 'http:' && !isLoopbackHost(url.hostname) && permission.allowHttp !== true;
}

/**
 * Checks a shop's base URL. Credentials go by HTTP Basic, so plain http is refused unless the
 * shop is on this machine or the merchant allowed it for this shop: keys are never sent in clear
 * over a network by accident. Returns the normalised base URL (no trailing slash) or throws a
 * message naming the problem.
 */
export function checkShopUrl(input: string, permission: HttpPermission = {}): string {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    throw new Error(`"${input}" is not a URL; use the shop's address, e.g. https://shop.example.com`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`"${input}" must start with https://`);
  if (isRefusedPlainHttp(url, permission)) {
    throw new Error(`"${input}" uses plain http; Backroom only sends shop keys over https, as anyone on the way could read them over plain http. Use the shop's https:// address, or allow plain http for this shop (--allow-http) if you accept that risk`);
  }
  if (url.username || url.password) throw new Error('the URL must not contain a user name or password; give the keys with --key and --secret');
  url.search = '';
  url.hash = '';
  return url.toString().replace(/\/+$/, '');
}

/** Checks a Shopify shop domain (`name.myshopify.com`), or a loopback http URL for the sandbox. */
export function checkShopifyDomain(input: string): string {
  const value = input.trim().toLowerCase();
  if (/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(value)) return value;
  if (/^https?:\/\//.test(value)) {
    const url = new URL(value);
    if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return url.toString().replace(/\/+$/, '');
  }
  throw new Error(`"${input}" is not a Shopify shop domain; use the form your-shop.myshopify.com`);
}
