// Forms that change where a connected shop or CRM lives and the keys Backroom uses for it. The
// API asks the shop or CRM with the new values before saving (setConnection re-tests), so a
// refusal comes back as the API's message with the field it names, and nothing is stored.
import { badInput } from '../../../core/api/errors';
import type { CrmView } from '../../../core/api/namespaces/crm';
import type { ShopView } from '../../../core/api/namespaces/shops';
import type { FieldSpec, FormValues } from '../components/form';
import type { FormSpec } from './settings-crm';

/** A typed value, or undefined when the field was left empty or as it was. */
const changed = (typed: string | undefined, before: string) => {
  const value = (typed ?? '').trim();
  return value && value !== before ? value : undefined;
};

const nothingChanged = (what: string) => badInput('', `Nothing changed: type ${what}, or esc to leave.`);

export function shopConnectionForm(shop: ShopView): FormSpec {
  const woo = shop.platform === 'woocommerce';
  const fields: FieldSpec[] = woo
    ? [
        { name: 'url', label: 'Shop address', value: shop.url },
        { name: 'key', label: 'New consumer key', secret: true, hint: 'empty = keep the stored one' },
        { name: 'secret', label: 'New consumer secret', secret: true, hint: 'empty = keep the stored one' },
      ]
    : [
        { name: 'domain', label: 'Shop domain', value: shop.domain },
        { name: 'token', label: 'New access token', secret: true, hint: 'empty = keep the stored one' },
      ];
  return {
    title: `Address and keys of shop ${shop.name}`,
    note: `Backroom asks the shop with what you type before saving it. ${woo ? 'Keys: WooCommerce › Settings › Advanced › REST API.' : 'Token: Shopify admin › Apps › Develop apps.'}`,
    fields,
    async submit(v: FormValues, client) {
      const params = woo
        ? { name: shop.name, url: changed(v.url, shop.url), key: changed(v.key, ''), secret: changed(v.secret, '') }
        : { name: shop.name, domain: changed(v.domain, shop.domain), token: changed(v.token, '') };
      if (Object.values(params).filter((x) => x !== undefined).length === 1) throw nothingChanged(woo ? 'a new address, or new keys' : 'a new domain or a new token');
      const saved = await client.call('shop.setConnection', { ...params, check: true });
      return { text: `shop ${saved.name} accepted the new address and keys; saved.` };
    },
  };
}

export function crmConnectionForm(crm: CrmView): FormSpec {
  const ac = crm.platform === 'activecampaign';
  const fields: FieldSpec[] = ac
    ? [
        { name: 'url', label: 'API URL', value: crm.url },
        { name: 'key', label: 'New API key', secret: true, hint: 'empty = keep the stored one' },
      ]
    : [
        { name: 'key', label: 'New API key', secret: true, hint: 'empty = keep the stored one' },
        { name: 'listId', label: 'Audience id', value: crm.listId },
      ];
  return {
    title: `Address and key of CRM ${crm.name}`,
    note: `Backroom asks the CRM with what you type before saving it. ${ac ? 'API URL and key: Settings › Developer in ActiveCampaign.' : 'API key: Profile › Extras › API keys.'}`,
    fields,
    async submit(v: FormValues, client) {
      const params = ac
        ? { name: crm.name, url: changed(v.url, crm.url), key: changed(v.key, '') }
        : { name: crm.name, key: changed(v.key, ''), listId: changed(v.listId, crm.listId) };
      if (Object.values(params).filter((x) => x !== undefined).length === 1) throw nothingChanged(ac ? 'a new API URL or a new key' : 'a new key or audience id');
      const saved = await client.call('crm.setConnection', { ...params, check: true });
      return { text: `CRM ${saved.name} accepted the new address and key; saved.` };
    },
  };
}
