// Carts, cart settings, CRM connections and tag rules in real Chromium, through the HTTP/WebSocket
// transport, against a real engine (serve.ts: WooCommerce sandbox checkouts swept into carts) and,
// for the CRM, the ActiveCampaign sandbox. Nothing is mocked.
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import type { CartView } from '../../core/api/namespaces/carts';
import type { Rule } from '../../core/model';
import { startActiveCampaignSandbox } from '../../sandbox/activecampaign/server';
import { expect, SCREENS, test } from './fixtures';

const nav = (page: Page, name: string) => page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name });
const card = (page: Page, title: string) => page.locator('.card').filter({ has: page.getByRole('heading', { name: title, exact: true, level: 2 }) });
const cartRow = (page: Page, email: string) => page.getByTestId('carts-table').getByRole('row').filter({ hasText: email });

test('the carts page lists captured and abandoned carts, marks blacklisted ones, filters by state and follows the sweep live', async ({ page, backroom }) => {
  const { abandoned, blacklisted, capturing, late } = backroom.info.carts;
  await backroom.open(page);
  await nav(page, 'Carts').click();
  await expect(page.getByRole('heading', { name: 'Carts', level: 1 })).toBeVisible();

  const ann = cartRow(page, abandoned);
  const bob = cartRow(page, blacklisted);
  const cara = cartRow(page, capturing);
  await expect(ann).toHaveAttribute('data-state', 'abandoned');
  await expect(ann).toContainText('Abandoned');
  await expect(ann.getByTestId('cart-age')).toHaveText(/^3 h( \d+ min)? ago$/);
  await expect(cara).toHaveAttribute('data-state', 'capturing');
  await expect(cara).toContainText('Captured');
  await expect(cara.getByTestId('cart-age')).toHaveText(/min ago$/);
  await expect(bob).toHaveAttribute('data-state', 'abandoned');
  await expect(bob.getByTestId('crm-blocked')).toHaveText('Blacklisted: captured, not sent to the CRM');
  await expect(ann.getByTestId('crm-blocked')).toHaveCount(0);

  // What the page shows is what the API says, cart for cart.
  const carts = await backroom.call<CartView[]>('carts.list');
  await expect(page.getByTestId('carts-table').locator('tbody tr')).toHaveCount(carts.length);
  const filter = page.getByRole('radiogroup', { name: 'Show carts' });
  await expect(filter.getByText(/^All \d+$/)).toHaveText(`All ${carts.length}`);
  await page.screenshot({ path: join(SCREENS, 'carts.png'), fullPage: true });

  // Only abandoned carts.
  await filter.getByText(/^Abandoned/).click();
  await expect(page.getByTestId('carts-table').locator('tbody tr')).toHaveCount(carts.filter((c) => c.state === 'abandoned').length);
  await expect(ann).toBeVisible();
  await expect(bob).toBeVisible();
  await expect(cara).toHaveCount(0);
  await page.screenshot({ path: join(SCREENS, 'carts-abandoned.png'), fullPage: true });

  // Only captured carts; a checkout the sweep finds while the page is open appears without a reload.
  await filter.getByText(/^Captured/).click();
  await expect(cara).toBeVisible();
  await expect(ann).toHaveCount(0);
  await expect(cartRow(page, late)).toHaveCount(0);
  await backroom.call('sync.run', { job: 'carts' });
  await expect(cartRow(page, late)).toHaveAttribute('data-state', 'capturing');
  await expect(filter.getByText(/^All \d+$/)).toHaveText(`All ${carts.length + 1}`);
});

test('a cart cut-off of 5 minutes shows the API message under its field and keeps the stored value', async ({ page, backroom }) => {
  await backroom.open(page);
  await nav(page, 'Settings').click();
  const form = page.getByRole('form', { name: 'Cart settings' });
  const cutoff = form.locator('[data-field="carts.cutoffMinutes"]');
  await expect(cutoff.locator('input')).toHaveValue('15');
  await expect(form.getByRole('textbox', { name: 'Blacklist' })).toHaveValue('@blocked.example');

  await cutoff.locator('input').fill('5');
  await form.getByRole('button', { name: 'Save cart settings' }).click();
  await expect(cutoff.getByRole('alert')).toHaveText('Cart cut-off must be from 10 minutes to 30 days (got 5 minutes).');
  await expect(cutoff).toHaveClass(/field-bad/);
  await expect(cutoff.locator('.field-hint')).toContainText('saved: 15');
  await expect(form.locator('[data-field="carts.sweepMinutes"] [role="alert"]')).toHaveCount(0);
  await card(page, 'Carts').screenshot({ path: join(SCREENS, 'settings-cutoff-error.png') });
  const stored = await backroom.call<{ carts: { cutoffMinutes: number } }>('settings.get');
  expect(stored.carts.cutoffMinutes).toBe(15);

  // Nothing was saved: a fresh page shows the old value.
  await page.reload();
  await nav(page, 'Settings').click();
  await expect(cutoff.locator('input')).toHaveValue('15');

  // A valid value is saved, and other fields stay as they were.
  await cutoff.locator('input').fill('20');
  await form.getByRole('textbox', { name: 'Blacklist' }).fill('@blocked.example\nspam@example.org');
  await form.getByRole('button', { name: 'Save cart settings' }).click();
  await expect(form.getByText('Cart settings saved.')).toBeVisible();
  const saved = await backroom.call<{ carts: { cutoffMinutes: number; sweepMinutes: number; blacklist: string[] } }>('settings.get');
  expect(saved.carts).toMatchObject({ cutoffMinutes: 20, sweepMinutes: 15, blacklist: ['@blocked.example', 'spam@example.org'] });
  await expect(cutoff.locator('.field-hint')).toContainText('saved: 20');
});

test('CRM contact fields are mapped and saved whole', async ({ page, backroom }) => {
  await backroom.open(page);
  await nav(page, 'Settings').click();
  const form = page.getByRole('form', { name: 'CRM contact fields' });
  await form.getByRole('button', { name: 'Add a field' }).click();
  await form.getByRole('button', { name: 'Add a field' }).click();
  const rows = form.getByTestId('crm-field-row');
  await expect(rows).toHaveCount(2);
  await rows.nth(0).getByRole('textbox', { name: 'CRM field' }).fill('ORDER_COUNT');
  await rows.nth(1).getByRole('combobox', { name: 'Backroom' }).selectOption('meta');
  await rows.nth(1).getByRole('textbox', { name: 'CRM field' }).fill('UPSELL');
  // A meta row needs its key before anything is sent.
  await form.getByRole('button', { name: 'Save contact fields' }).click();
  await expect(rows.nth(1).getByRole('alert')).toHaveText('needs the order meta key to send');
  expect((await backroom.call<{ crmFields: Record<string, string> }>('settings.get')).crmFields).toEqual({});
  await rows.nth(1).getByRole('textbox', { name: 'Meta key' }).fill('_upsell_accepted');
  await form.getByRole('button', { name: 'Save contact fields' }).click();
  await expect(form.getByText('Contact fields saved.')).toBeVisible();
  await card(page, 'CRM contact fields').screenshot({ path: join(SCREENS, 'settings-crm-fields.png') });
  expect((await backroom.call<{ crmFields: Record<string, string> }>('settings.get')).crmFields).toEqual({ orderCount: 'ORDER_COUNT', 'meta:_upsell_accepted': 'UPSELL' });
});

test('an ActiveCampaign connection is added, tested against the sandbox, and removed', async ({ page, backroom }) => {
  const ac = await startActiveCampaignSandbox();
  try {
    await backroom.open(page);
    await nav(page, 'Settings').click();
    const form = page.getByRole('form', { name: 'Add a CRM' });
    const input = (field: string) => form.locator(`[data-field="${field}"] input`);
    await expect(page.getByTestId('crm-list').locator('li')).toHaveCount(0);

    // The API's messages land under the fields they name.
    await input('name').fill('Newsletter');
    await input('url').fill('http://crm.example.com');
    await input('key').fill(ac.key);
    await form.getByRole('button', { name: 'Add CRM' }).click();
    await expect(form.locator('[data-field="url"] [role="alert"]')).toContainText('uses plain http');

    // A wrong key saved without asking the CRM is added, and Test says what the CRM answered.
    await input('url').fill(ac.accountUrl);
    await input('key').fill('not-the-key');
    await form.getByRole('checkbox', { name: /Ask the CRM/ }).uncheck();
    await form.getByRole('button', { name: 'Add CRM' }).click();
    const item = page.locator('[data-crm="Newsletter"]');
    await expect(item).toContainText('ActiveCampaign');
    await item.getByRole('button', { name: 'Test' }).click();
    await expect(item.getByRole('alert')).toContainText('Newsletter');
    await expect(item.getByTestId('crm-test-result')).toHaveCount(0);
    await item.getByRole('button', { name: 'Remove…' }).click();
    await item.getByRole('button', { name: 'Remove Newsletter' }).click();
    await expect(item).toHaveCount(0);

    await input('name').fill('Newsletter');
    await input('url').fill(ac.accountUrl);
    await input('key').fill(ac.key);
    await form.getByRole('checkbox', { name: /Ask the CRM/ }).check();
    await form.getByRole('button', { name: 'Add CRM' }).click();
    await expect(item).toContainText(new URL(ac.accountUrl).host);
    await item.getByRole('button', { name: 'Test' }).click();
    await expect(item.getByTestId('crm-test-result')).toHaveText(`Connected to ActiveCampaign: account ${new URL(ac.accountUrl).host}, user admin@sandbox.example.`);
    await expect(item.getByRole('alert')).toHaveCount(0);
    await card(page, 'CRM connections').screenshot({ path: join(SCREENS, 'settings-crm.png') });
    await page.screenshot({ path: join(SCREENS, 'settings-full.png'), fullPage: true });

    // The key never comes back to the page.
    expect(await page.content()).not.toContain(ac.key);
    await item.getByRole('button', { name: 'Remove…' }).click();
    await item.getByRole('button', { name: 'Remove Newsletter' }).click();
    await expect(item).toHaveCount(0);
    expect(await backroom.call<unknown[]>('crm.list')).toEqual([]);
  } finally {
    await ac.close();
  }
});

test('tag rules are added with the trigger picker, warned about on pending statuses, replayed and removed', async ({ page, backroom }) => {
  await backroom.open(page);
  await nav(page, 'Settings').click();
  const form = page.getByRole('form', { name: 'Add a tag rule' });
  const when = form.getByRole('combobox', { name: 'When' });
  const rules = page.getByTestId('rules');

  // A rule needs a tag: the API says so under Apply tags.
  await when.selectOption('cart-abandoned');
  await form.getByRole('button', { name: 'Add rule' }).click();
  await expect(form.locator('[data-field="applyTags"] [role="alert"]')).toHaveText('a rule needs at least one tag to apply or remove');

  await form.getByRole('textbox', { name: 'Apply tags' }).fill('abandoned-cart');
  await form.getByRole('button', { name: 'Add rule' }).click();
  await expect(form.getByText('Rule added: Cart abandoned.')).toBeVisible();
  await expect(rules.locator('li')).toHaveCount(1);
  await expect(rules).toContainText('Cart abandoned');
  await expect(rules).toContainText('apply “abandoned-cart”');

  // Status tags on pending orders are discouraged: the picker hints, the API's warning is shown.
  await when.selectOption('order-status');
  const statuses = form.getByRole('textbox', { name: 'Order status' });
  await statuses.fill('pending');
  await expect(form.locator('[data-field="trigger.statuses"] .field-hint')).toContainText('fire on every cart');
  await form.getByRole('textbox', { name: 'Apply tags' }).fill('checkout-started');
  await form.getByRole('textbox', { name: 'Remove tags' }).fill('customer, vip');
  await form.getByRole('button', { name: 'Add rule' }).click();
  await expect(form.getByTestId('rule-warning')).toContainText('fire on every cart');
  await expect(rules.locator('li')).toHaveCount(2);
  await card(page, 'Tag rules').screenshot({ path: join(SCREENS, 'settings-rules.png') });

  const listed = await backroom.call<Rule[]>('rules.list');
  const pending = listed.find((r) => r.trigger.kind === 'order-status')!;
  expect(pending).toMatchObject({ trigger: { kind: 'order-status', statuses: ['pending'] }, applyTags: ['checkout-started'], removeTags: ['customer', 'vip'] });
  const abandoned = listed.find((r) => r.trigger.kind === 'cart-abandoned')!;

  // The same rule twice is refused with the API's message.
  await when.selectOption('cart-abandoned');
  await form.getByRole('textbox', { name: 'Apply tags' }).fill('abandoned-cart');
  await form.getByRole('button', { name: 'Add rule' }).click();
  await expect(form.getByRole('alert')).toContainText('The same rule already exists.');
  await expect(rules.locator('li')).toHaveCount(2);

  // Replay the cart rule over the carts Backroom already has.
  const cartItem = page.locator(`[data-rule-id="${abandoned.id}"]`);
  await cartItem.getByRole('button', { name: 'Replay…' }).click();
  await cartItem.getByRole('button', { name: 'Apply to past orders and carts' }).click();
  const carts = await backroom.call<CartView[]>('carts.list');
  await expect(cartItem.getByRole('status')).toContainText(`${carts.length} carts`);

  // Remove the pending rule.
  const pendingItem = page.locator(`[data-rule-id="${pending.id}"]`);
  await pendingItem.getByRole('button', { name: 'Remove…' }).click();
  await pendingItem.getByRole('button', { name: 'Remove rule' }).click();
  await expect(pendingItem).toHaveCount(0);
  expect((await backroom.call<Rule[]>('rules.list')).map((r) => r.id)).toEqual([abandoned.id]);
});
