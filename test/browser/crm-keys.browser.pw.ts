// CRM keys in the window, in real Chromium against a real engine and the ActiveCampaign sandbox:
// adding a CRM asks it whether it accepts the key first (a tick box saves without asking), and a
// connected CRM's URL and key can be changed, asked again before anything is saved.
import type { Page } from '@playwright/test';
import { startActiveCampaignSandbox } from '../../sandbox/activecampaign/server';
import { expect, test } from './fixtures';

const nav = (page: Page, name: string) => page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name });

test('a CRM whose key is refused is not added unless asked to skip the check; its key can then be changed', async ({ page, backroom }) => {
  const ac = await startActiveCampaignSandbox();
  try {
    await backroom.open(page);
    await nav(page, 'Settings').click();
    const form = page.getByRole('form', { name: 'Add a CRM' });
    const input = (field: string) => form.locator(`[data-field="${field}"] input`);
    await input('name').fill('Newsletter');
    await input('url').fill(ac.accountUrl);
    await input('key').fill('not-the-key');
    await form.getByRole('button', { name: 'Add CRM' }).click();
    await expect(form.locator('[data-field="key"] [role="alert"]')).toContainText('CRM "Newsletter" was not added');
    expect(await backroom.call<unknown[]>('crm.list')).toEqual([]);

    // Saved without asking when the merchant says so.
    await form.getByRole('checkbox', { name: /Ask the CRM/ }).uncheck();
    await form.getByRole('button', { name: 'Add CRM' }).click();
    const item = page.locator('[data-crm="Newsletter"]');
    await expect(item).toContainText('ActiveCampaign');

    // Change the key: a wrong one is refused under its field, the right one is saved.
    await item.getByRole('button', { name: 'Change address or key…' }).click();
    const edit = item.getByRole('form', { name: 'Address and key of Newsletter' });
    await expect(edit.locator('[data-field="url"] input')).toHaveValue(ac.accountUrl);
    await edit.locator('[data-field="key"] input').fill('still-wrong');
    await edit.getByRole('button', { name: 'Check and save' }).click();
    await expect(edit.locator('[data-field="key"] [role="alert"]')).toContainText('CRM "Newsletter" was not changed');
    await edit.locator('[data-field="key"] input').fill(ac.key);
    await edit.getByRole('button', { name: 'Check and save' }).click();
    await expect(item.getByText('The CRM accepted it; saved.')).toBeVisible();
    const tested = await backroom.call<{ account: string }>('crm.test', { name: 'Newsletter' });
    expect(tested.account).toBe(new URL(ac.accountUrl).host);
    expect(await page.content()).not.toContain(ac.key);
  } finally {
    await ac.close();
  }
});
