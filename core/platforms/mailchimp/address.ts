import { isLoopbackHost } from '../url-policy';
import { dataCenterOf } from './wire';

/** The API base: `https://us21.api.mailchimp.com/3.0`, or a sandbox on this computer. */
export function mailchimpBase(key: string, server?: string): string {
  if (server && /^https?:\/\//i.test(server)) {
    const url = new URL(server);
    if (url.protocol !== 'https:' && !isLoopbackHost(url.hostname)) throw new Error('a Mailchimp server URL must use https (plain http only for this computer)');
    return `${url.toString().replace(/\/+$/, '').replace(/\/3\.0$/, '')}/3.0`;
  }
  const dc = server?.trim() || dataCenterOf(key);
  if (!dc || !/^[a-z]{2,}\d+$/.test(dc)) throw new Error('a Mailchimp API key ends with its data centre after a dash, e.g. …-us21');
  return `https://${dc}.api.mailchimp.com/3.0`;
}
