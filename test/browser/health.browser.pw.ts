// The merchant sees the truth in the window: a shop whose keys are refused needs attention (not a
// green "Idle"), the CRM has its own line, alerts come in groups that one click dismisses, and a
// shop's keys can be changed from Settings — asked of the shop before they are saved.
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { DEFAULT_CREDENTIALS } from '../../sandbox/woocommerce';
import { expect, SCREENS, test } from './fixtures';

const nav = (page: Page, name: string) => page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name });
const WRONG = 'cs_0000000000000000000000000000000000000bad';

interface ShopRow { name: string; url: string }

test('a shop whose keys are refused needs attention on the dashboard, and the CRM is listed', async ({ page, backroom }) => {
  const [practice] = await backroom.call<ShopRow[]>('shop.list');
  await backroom.call('shop.add', { platform: 'woocommerce', name: 'Refused shop', url: practice!.url, key: 'ck_0000000000000000000000000000000000000bad', secret: WRONG, combined: true, prefix: 'RS' });
  await backroom.call('sync.run', { shop: 'Refused shop', job: 'orders' });
  await backroom.call('crm.add', { platform: 'activecampaign', name: 'Newsletter', url: 'http://127.0.0.1:9', key: 'k-12345678' });
  await backroom.open(page);
  const refused = page.locator('[data-shop="Refused shop"]');
  await expect(refused.locator('[data-health]')).toHaveAttribute('data-health', 'attention');
  await expect(refused).toContainText('Needs attention');
  await expect(refused).toContainText("refused Backroom's keys");
  await expect(refused).not.toContainText('Idle');
  const crm = page.locator('[data-crm="Newsletter"]');
  await expect(crm).toContainText('ActiveCampaign');
  await expect(crm).toContainText('Not yet synced');
  await page.screenshot({ path: join(SCREENS, 'dashboard-refused-shop.png'), fullPage: true });

  // Fix the keys from Settings: wrong ones are refused with the shop's reason, right ones saved.
  await nav(page, 'Settings').click();
  const row = page.getByTestId('settings-shops').locator('li').filter({ hasText: 'Refused shop' });
  await row.getByRole('button', { name: 'Change address or keys…' }).click();
  const form = page.getByRole('form', { name: 'Address and keys of Refused shop' });
  await form.locator('[data-field="secret"] input').fill(WRONG);
  await form.getByRole('button', { name: 'Check and save' }).click();
  await expect(form.getByRole('alert').first()).toContainText('was not changed');
  await form.locator('[data-field="key"] input').fill(DEFAULT_CREDENTIALS.key);
  await form.locator('[data-field="secret"] input').fill(DEFAULT_CREDENTIALS.secret);
  await form.getByRole('button', { name: 'Check and save' }).click();
  await expect(form).toContainText('The shop accepted them; saved.');
  expect(await backroom.call<{ ok: boolean }>('shop.test', { name: 'Refused shop' })).toMatchObject({ ok: true });
});

test('alerts are grouped by kind and shop, and one click dismisses a group', async ({ page, backroom }) => {
  const groups = await backroom.call<{ id: string; kind: string; alerts: unknown[]; title: string }[]>('alerts.groups');
  const unknown = groups.find((g) => g.kind === 'unknown-sku')!;
  expect(unknown.alerts.length).toBeGreaterThan(1);
  await backroom.open(page);
  await nav(page, 'Errors & alerts').click();
  const group = page.locator(`[data-group-id="${unknown.id}"]`);
  await expect(group).toContainText('name SKUs the catalogue does not have');
  await expect(page.getByTestId('alerts').locator(':scope > li')).toHaveCount(groups.length);
  await page.screenshot({ path: join(SCREENS, 'alerts-grouped.png'), fullPage: true });
  await group.getByRole('button', { name: `Dismiss all ${unknown.alerts.length}` }).click();
  await expect(group).toHaveCount(0);
  expect((await backroom.call<{ kind: string }[]>('alerts.groups')).some((g) => g.kind === 'unknown-sku')).toBe(false);
});
