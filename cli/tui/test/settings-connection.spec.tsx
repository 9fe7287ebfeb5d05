// The Settings screen changes a connected shop's address and keys, and a CRM's key, through the
// API's setConnection methods: the shop or CRM is asked with the new keys before anything is
// saved, a refusal is the API's message under the form with the cursor on the field it names.
import { afterEach, describe, expect, it } from 'vitest';
import { startActiveCampaignSandbox, type ActiveCampaignSandbox } from '../../../sandbox/activecampaign/server';
import { startWooSandbox, type WooSandbox } from '../../../sandbox/woocommerce';
import { KEYS, seededEngine, selectRow, type Rendered } from './render';

const tui = seededEngine({ seed: false });
let ui: Rendered | undefined;
let woo: WooSandbox | undefined;
let ac: ActiveCampaignSandbox | undefined;
afterEach(async () => {
  await woo?.close();
  await ac?.close();
  woo = undefined;
  ac = undefined;
});

const openSettings = async () => {
  ui = tui.render({ columns: 120, rows: 40 });
  await ui.waitFor('quit');
  await ui.press('7');
  return ui.waitFor('Tag rules');
};
const type = (text: string) => ui!.press(...text.split(''));
const erase = (n: number) => ui!.press(...Array<string>(n).fill(KEYS.backspace));

describe('Settings: a shop\'s address and keys', () => {
  it('c on a shop opens its address and keys; refused keys leave it unchanged, accepted ones are saved', async () => {
    woo = await startWooSandbox();
    await tui.host.client.call('shop.add', { platform: 'woocommerce', name: 'Woo', url: woo.url, key: 'ck_old', secret: 'cs_old' });
    const ref = tui.host.store.main.data.shops[0]!.secretRef;
    await openSettings();
    await selectRow(ui!, 'Woo: woocommerce');
    await ui!.waitFor(/c address\/keys/);
    await ui!.press('c');
    await ui!.waitFor('Address and keys of shop Woo');
    expect(ui!.frame()).toMatch(new RegExp(`Shop address:\\s+${woo.url.replace(/[.]/g, '\\.')}`));
    await ui!.press(KEYS.tab);
    await type('ck_wrong');
    await ui!.press(KEYS.tab);
    await type('cs_wrong');
    await ui!.press(KEYS.enter);
    await ui!.waitFor('Error: Shop "Woo" was not changed');
    expect(ui!.frame()).toMatch(/› New consumer key:\s+•+_ ‹ check this/);
    expect(ui!.frame()).not.toContain('ck_wrong');
    expect(await tui.host.store.secrets.get(ref)).toEqual({ key: 'ck_old', secret: 'cs_old' });

    await erase(8);
    await type(woo.credentials.key);
    await ui!.press(KEYS.tab);
    await erase(8);
    await type(woo.credentials.secret);
    await ui!.press(KEYS.enter);
    await ui!.waitFor('Done: shop Woo accepted the new address and keys; saved.');
    expect(await tui.host.store.secrets.get(ref)).toEqual(woo.credentials);
  });

  it('a wrong address is named under its field and nothing is saved; saving nothing new says so', async () => {
    await tui.host.client.call('shop.add', { platform: 'woocommerce', name: 'Woo', url: 'https://shop.example.com', key: 'ck_old', secret: 'cs_old' });
    await openSettings();
    await selectRow(ui!, 'Woo: woocommerce');
    await ui!.press('c');
    await ui!.waitFor('Address and keys of shop Woo');
    await ui!.press(KEYS.enter);
    await ui!.waitFor('Nothing changed: type a new address, or new keys, or esc to leave.');
    await erase(30);
    await type('ftp://shop');
    await ui!.press(KEYS.enter);
    await ui!.waitFor(/› Shop address:\s+ftp:\/\/shop_ ‹ check this/);
    expect(tui.host.store.main.data.shops[0]).toMatchObject({ url: 'https://shop.example.com' });
    await ui!.press(KEYS.escape);
    await ui!.waitFor('Woo: woocommerce');
  });
});

describe('Settings: a CRM\'s address and key', () => {
  it('c on a CRM opens its API URL and key; a refused key is the CRM\'s message, the right one is saved', async () => {
    ac = await startActiveCampaignSandbox();
    await tui.host.client.call('crm.add', { platform: 'activecampaign', name: 'AC', url: ac.accountUrl, key: 'not-the-key' });
    const ref = tui.host.store.main.data.crms[0]!.secretRef;
    await openSettings();
    await selectRow(ui!, 'AC: activecampaign');
    await ui!.press('c');
    await ui!.waitFor('Address and key of CRM AC');
    await ui!.press(KEYS.tab);
    await type('still-wrong');
    await ui!.press(KEYS.enter);
    await ui!.waitFor('Error: CRM "AC" was not changed');
    expect(ui!.frame()).toMatch(/› New API key:\s+•+_ ‹ check this/);
    expect(await tui.host.store.secrets.get(ref)).toEqual({ key: 'not-the-key' });
    await erase(11);
    await type(ac.key);
    await ui!.press(KEYS.enter);
    await ui!.waitFor('Done: CRM AC accepted the new address and key; saved.');
    expect(await tui.host.store.secrets.get(ref)).toEqual({ key: ac.key });
  });
});
