import { isIP } from 'node:net';

/** True for addresses that never leave this machine (the sandbox shops). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1';
  return false;
}

/**
 * Checks a shop's base URL. Credentials go by HTTP Basic, so plain http is refused unless the
 * shop is on this machine: keys are never sent in clear over a network.
 * Returns the normalised base URL (no trailing slash) or throws a message naming the problem.
 */
export function checkShopUrl(input: string): string {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    throw new Error(`"${input}" is not a URL; use the shop's address, e.g. https://shop.example.com`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`"${input}" must start with https://`);
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new Error(`"${input}" uses plain http; Backroom only sends shop keys over https (plain http is allowed for this computer only, e.g. a local test shop)`);
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
