// The Settings screen's CRM part against a real engine: connections (add, test against the
// ActiveCampaign sandbox, remove), tag rules (add with the API's checks and warning, replay, remove)
// and the contact field mapping. Every error shown is the API's own message.
import { afterEach, describe, expect, it } from 'vitest';
import { startActiveCampaignSandbox, type ActiveCampaignSandbox } from '../../../sandbox/activecampaign/server';
import { KEYS, seededEngine, selectRow, type Rendered } from './render';

const tui = seededEngine();
let ui: Rendered;
let crm: ActiveCampaignSandbox | undefined;
afterEach(async () => {
  await crm?.close();
  crm = undefined;
});

const openSettings = async (columns = 120, rows = 40) => {
  ui = tui.render({ columns, rows });
  await ui.waitFor('Main shop');
  await ui.press('7');
  return ui.waitFor('Tag rules');
};
const type = (text: string) => ui.press(...text.split(''));
const erase = (n: number) => ui.press(...Array(n).fill(KEYS.backspace));
/** Text that may wrap over lines: any run of spaces may be a line break. */
const wrapped = (text: string) => new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ +/g, '\\s+'));

describe('Settings: CRM connections', () => {
  it('lists connections, rules and the field mapping from the API', async () => {
    await tui.host.client.call('crm.add', { platform: 'mailchimp', name: 'MC', key: 'abc-us21', listId: 'L1' });
    const { rule } = await tui.host.client.call('rules.add', { trigger: { kind: 'product', sku: 'MUG-01' }, applyTags: ['Bought mug'], removeTags: ['Prospect'], crm: 'MC' });
    await tui.host.client.call('settings.update', { crmFields: { orderCount: 'ORDERS', 'meta:_utm_source': 'UTM' } });
    const frame = await openSettings();
    expect(frame).toContain('MC: mailchimp · audience L1 (us21)');
    expect(frame).toContain(`${rule.id}: when order contains MUG-01 → +Bought mug -Prospect (in MC)`);
    expect(frame).toContain('Also sent: orderCount → ORDERS, meta:_utm_source → UTM');
  });

  it('says when there is no CRM, rule or mapping yet', async () => {
    const frame = await openSettings();
    expect(frame).toContain('No CRM connected');
    expect(frame).toContain('No tag rules yet.');
    expect(frame).toContain('Only name, phone and company are sent to the CRM.');
  });

  it('a connects ActiveCampaign: platform first, then URL and key, with the API messages', async () => {
    await openSettings();
    await selectRow(ui, 'CRM connections');
    expect(await ui.waitFor(/a add\s+tab next screen/)).toBeTruthy();
    await ui.press('a');
    await ui.waitFor('Connect a CRM');
    await erase(20);
    await type('hubspot');
    await ui.press(KEYS.enter);
    await ui.waitFor('Error: platform: "hubspot" is not one Backroom connects to; type activecampaign or mailchimp');
    await erase(7);
    await type('activecampaign');
    await ui.press(KEYS.enter);
    await ui.waitFor('Connect ActiveCampaign');
    await ui.press(KEYS.tab);
    await type('http://example.api-us1.com');
    await ui.press(KEYS.tab);
    await type('secret-key-1');
    await ui.press(KEYS.enter);
    await ui.waitFor('Error: "http://example.api-us1.com" uses plain http; Backroom only sends the API key over https');
    // The API named the URL: the cursor is on it.
    expect(ui.frame()).toMatch(/› API URL: http:\/\/example\.api-us1\.com_ ‹ check this/);
    expect(ui.frame()).not.toContain('secret-key-1');
    await erase(26);
    await type('https://example.api-us1.com');
    await ui.press(KEYS.enter);
    await ui.waitFor('Done: added CRM "ActiveCampaign" (ActiveCampaign, https://example.api-us1.com); t tests it.');
    await ui.waitFor('ActiveCampaign: activecampaign · https://example.api-us1.com');
    expect(tui.host.store.main.data.crms.map((c) => c.name)).toEqual(['ActiveCampaign']);
  });

  it('a connects Mailchimp; a key without its data centre and a taken name are refused in the API words', async () => {
    await tui.host.client.call('crm.add', { platform: 'mailchimp', name: 'Mailchimp', key: 'abc-us21', listId: 'L1' });
    await openSettings();
    await selectRow(ui, 'CRM connections');
    await ui.press('a');
    await ui.waitFor('Connect a CRM');
    await erase(20);
    await type('mailchimp');
    await ui.press(KEYS.enter);
    await ui.waitFor('Connect Mailchimp');
    await ui.press(KEYS.tab);
    await type('abc123');
    await ui.press(KEYS.tab);
    await type('L2');
    await ui.press(KEYS.enter);
    await ui.waitFor('Error: A CRM connection called "Mailchimp" already exists.');
    expect(ui.frame()).toMatch(/› Name:\s+Mailchimp_ ‹ check this/);
    await erase(9);
    await type('Second');
    await ui.press(KEYS.enter);
    await ui.waitFor('Error: key: a Mailchimp API key ends with its data centre after a dash, e.g. …-us21');
    expect(ui.frame()).toMatch(/› API key:\s+•+_ ‹ check this/);
    await type('-us5');
    await ui.press(KEYS.enter);
    await ui.waitFor('Done: added CRM "Second" (Mailchimp, audience L2 (us5)); t tests it.');
  });

  it('esc leaves the connect form without adding anything', async () => {
    await openSettings();
    await selectRow(ui, 'CRM connections');
    await ui.press('a');
    await ui.waitFor('Connect a CRM');
    await ui.press(KEYS.escape);
    await ui.waitFor('No CRM connected');
    expect(tui.host.store.main.data.crms).toEqual([]);
  });

  it('t tests a connection against the CRM; a wrong key reports the CRM failure', async () => {
    crm = await startActiveCampaignSandbox();
    await tui.host.client.call('crm.add', { platform: 'activecampaign', name: 'AC', url: crm.accountUrl, key: crm.key });
    await tui.host.client.call('crm.add', { platform: 'activecampaign', name: 'Wrong', url: crm.accountUrl, key: 'not-the-key' });
    await openSettings();
    await selectRow(ui, 'AC: activecampaign');
    await ui.waitFor(/t test/);
    await ui.press('t');
    await ui.waitFor(/Done: CRM "AC" \(activecampaign\) answers: account /);
    await selectRow(ui, 'Wrong: activecampaign');
    await ui.press('t');
    const frame = await ui.waitFor(/Error: .*Wrong/);
    expect(frame).not.toContain('not-the-key');
  });

  it('x disconnects a CRM after its name is typed', async () => {
    await tui.host.client.call('crm.add', { platform: 'mailchimp', name: 'MC', key: 'abc-us21', listId: 'L1' });
    await openSettings();
    await selectRow(ui, 'MC: mailchimp');
    await ui.press('x');
    await ui.waitFor('Disconnect CRM MC?');
    await type('mc');
    await ui.press(KEYS.enter);
    await ui.waitFor('Error: Type "MC" exactly to disconnect it, or esc to keep it.');
    await erase(2);
    await type('MC');
    await ui.press(KEYS.enter);
    await ui.waitFor('Done: removed CRM "MC" and its key.');
    await ui.waitFor('No CRM connected');
  });
});

describe('Settings: tag rules', () => {
  const openRuleForm = async () => {
    await openSettings();
    await selectRow(ui, 'Tag rules');
    await ui.press('a');
    await ui.waitFor('Add a tag rule');
  };
  /** Focus moves with tab; the form's fields in order. */
  const FIELDS = ['kind', 'statuses', 'sku', 'key', 'value', 'applyTags', 'removeTags', 'crm'];
  const focus = async (from: string, to: string) => ui.press(...Array((FIELDS.indexOf(to) - FIELDS.indexOf(from) + FIELDS.length) % FIELDS.length).fill(KEYS.tab));

  it('a adds a rule; a rule without tags, an unknown trigger, a missing SKU and an unknown CRM get the API messages', async () => {
    await openRuleForm();
    expect(ui.frame()).toContain('When: order-status, product, order-meta, refunded, failed, cancelled, cart-abandoned, cart-recovered, cart-lost.');
    await ui.press(KEYS.enter);
    await ui.waitFor('Error: applyTags: a rule needs at least one tag to apply or remove');
    expect(ui.frame()).toMatch(/Apply tags:\s*_.*‹ check this/);
    await type('Customer, VIP');
    await focus('applyTags', 'kind');
    await erase(12);
    await type('bought');
    await ui.press(KEYS.enter);
    await ui.waitFor("Error: trigger.kind: Invalid discriminator value. Expected 'order-status' | 'product'");
    await erase(6);
    await type('product');
    await ui.press(KEYS.enter);
    await ui.waitFor('Error: trigger.sku: ');
    await type('MUG-01');
    await focus('sku', 'crm');
    await type('Nope');
    await ui.press(KEYS.enter);
    await ui.waitFor('Error: There is no CRM connection called "Nope".');
    await erase(4);
    await ui.press(KEYS.enter);
    await ui.waitFor(/Done: added rule r[0-9a-f]+: when order contains MUG-01 → \+Customer \+VIP/);
    await ui.waitFor(/r[0-9a-f]+: when order contains MUG-01 → \+Customer \+VIP$/m);
    expect(tui.host.store.main.data.rules).toHaveLength(1);
    expect(tui.host.store.main.data.rules[0]!.trigger).toEqual({ kind: 'product', sku: 'MUG-01' });
  });

  it("shows the API's warning for a rule on pending orders, and refuses the same rule twice", async () => {
    await openRuleForm();
    await focus('kind', 'statuses');
    await erase(20);
    await type('pending');
    await focus('statuses', 'applyTags');
    await type('Lead');
    await ui.press(KEYS.enter);
    await ui.waitFor(/Done: added rule r[0-9a-f]+: when order reaches pending → \+Lead/);
    await ui.waitFor(wrapped('Note: Tags on pending or checkout-draft orders fire on every cart, paid or not; the cart-abandoned trigger is usually what you want.'));
    await ui.press('a');
    await ui.waitFor('Add a tag rule');
    await focus('kind', 'statuses');
    await erase(20);
    await type('pending');
    await focus('statuses', 'applyTags');
    await type('Lead');
    await ui.press(KEYS.enter);
    await ui.waitFor('Error: The same rule already exists.');
  });

  it('adds order-meta and cart triggers as typed', async () => {
    await openRuleForm();
    await erase(12);
    await type('order-meta');
    await focus('kind', 'key');
    await type('_cartflows_step');
    await ui.press(KEYS.tab);
    await type('upsell-accepted');
    await focus('value', 'applyTags');
    await type('Upsell');
    await ui.press(KEYS.enter);
    await ui.waitFor(/when order meta _cartflows_step = upsell-accepted → \+Upsell$/m);
    await ui.press('a');
    await ui.waitFor('Add a tag rule');
    await erase(12);
    await type('cart-recovered');
    await focus('kind', 'applyTags');
    await type('Recovered');
    await ui.press(KEYS.tab);
    await type('Abandoned cart');
    await ui.press(KEYS.enter);
    await ui.waitFor(/when cart recovered → \+Recovered -Abandoned cart$/m);
    expect(tui.host.store.main.data.rules.map((r) => r.trigger)).toEqual([{ kind: 'order-meta', key: '_cartflows_step', value: 'upsell-accepted' }, { kind: 'cart-recovered' }]);
  });

  it('r replays a rule over past orders and carts and says what it queued', async () => {
    await tui.host.client.call('crm.add', { platform: 'mailchimp', name: 'MC', key: 'abc-us21', listId: 'L1' });
    const { rule } = await tui.host.client.call('rules.add', { trigger: { kind: 'order-status', statuses: ['processing', 'completed'] }, applyTags: ['Customer'] });
    await openSettings();
    await selectRow(ui, `${rule.id}: when`);
    await ui.waitFor(/r replay/);
    await ui.press('r');
    await ui.waitFor(new RegExp(`Done: rule ${rule.id}: looked at 2 orders and 0 carts; queued [1-9]\\d* tag change\\(s\\) for the CRM\\.`));
  });

  it('x removes a rule after yes is typed', async () => {
    const { rule } = await tui.host.client.call('rules.add', { trigger: { kind: 'refunded' }, applyTags: ['Refunded'] });
    await openSettings();
    await selectRow(ui, `${rule.id}: when order refunded`);
    await ui.press('x');
    await ui.waitFor(`Remove rule ${rule.id}: when order refunded → +Refunded?`);
    await type('no');
    await ui.press(KEYS.enter);
    await ui.waitFor('Error: Type yes to remove the rule, or esc to keep it.');
    await erase(2);
    await type('yes');
    await ui.press(KEYS.enter);
    await ui.waitFor(`Done: removed rule ${rule.id}.`);
    await ui.waitFor('No tag rules yet.');
    expect(tui.host.store.main.data.rules).toEqual([]);
  });
});

describe('Settings: CRM contact fields', () => {
  it('e edits the mapping; a malformed meta entry and an empty meta key are refused; empty fields stop sending', async () => {
    await openSettings();
    await selectRow(ui, 'Only name, phone and company');
    await ui.press('e');
    await ui.waitFor('CRM contact fields');
    await type('ORDER_COUNT');
    await ui.press(KEYS.tab, KEYS.tab);
    await type('LAST_ORDER');
    await ui.press(KEYS.tab);
    await type('utm_source');
    await ui.press(KEYS.enter);
    await ui.waitFor('Error: meta: "utm_source" has no "=": write the order meta key, =, then the CRM field, e.g. _utm_source=UTM_SOURCE');
    await erase(10);
    await type('=UTM');
    await ui.press(KEYS.enter);
    await ui.waitFor('Error: crmFields.meta:: ');
    await erase(4);
    await type('utm_source=UTM');
    await ui.press(KEYS.enter);
    await ui.waitFor('Done: saved the CRM fields. Also sent: orderCount → ORDER_COUNT, lastOrderDate → LAST_ORDER, meta:utm_source → UTM');
    expect(tui.host.store.main.data.settings.crmFields).toEqual({ orderCount: 'ORDER_COUNT', lastOrderDate: 'LAST_ORDER', 'meta:utm_source': 'UTM' });

    await selectRow(ui, 'Also sent:');
    await ui.press('e');
    await ui.waitFor('CRM contact fields');
    expect(ui.frame()).toMatch(/orderCount:\s+ORDER_COUNT/);
    expect(ui.frame()).toMatch(/Order meta:\s+utm_source=UTM/);
    await erase(11);
    await ui.press(KEYS.enter);
    await ui.waitFor('Done: saved the CRM fields. Also sent: lastOrderDate → LAST_ORDER, meta:utm_source → UTM');
    expect(tui.host.store.main.data.settings.crmFields).toEqual({ lastOrderDate: 'LAST_ORDER', 'meta:utm_source': 'UTM' });
  });
});

describe('Settings at 80×24', () => {
  it('every CRM form and the list fit', async () => {
    await tui.host.client.call('crm.add', { platform: 'mailchimp', name: 'MC', key: 'abc-us21', listId: 'L1' });
    await tui.host.client.call('rules.add', { trigger: { kind: 'order-status', statuses: ['processing', 'completed'] }, applyTags: ['Customer'] });
    await openSettings(80, 24);
    const check = (what: string) => {
      const lines = ui.frame().split('\n');
      expect(lines.length, what).toBeLessThanOrEqual(23);
      for (const line of lines) expect(line.length, `${what}: ${line}`).toBeLessThanOrEqual(80);
    };
    check('list');
    await selectRow(ui, 'Tag rules');
    await ui.press('a');
    await ui.waitFor('Add a tag rule');
    await ui.press(KEYS.enter);
    await ui.waitFor('Error: applyTags');
    check('rule form');
    expect(ui.frame()).toContain('CRM:');
    await ui.press(KEYS.escape);
    await selectRow(ui, 'CRM connections');
    await ui.press('a', KEYS.enter);
    await ui.waitFor('Connect ActiveCampaign');
    check('connect form');
    await ui.press(KEYS.escape);
    await selectRow(ui, 'CRM contact fields');
    await ui.press('e');
    await ui.waitFor('Order meta:');
    check('fields form');
  });
});
