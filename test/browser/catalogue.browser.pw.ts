// The Kits & SKUs and Dry run pages in real Chromium, through the HTTP/WebSocket transport, against
// a real engine with a WooCommerce sandbox shop (see serve.ts). Nothing is mocked.
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, SCREENS, test } from './fixtures';

const nav = (page: Page, name: string) => page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name });

test('a kit is added from the window, a bad one is refused with the reason, and an unlinked SKU is linked', async ({ page, backroom }) => {
  await backroom.open(page);
  await nav(page, 'Kits & SKUs').click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Kits & SKUs');

  const kitForm = page.getByRole('form', { name: 'Add a kit' });
  await kitForm.getByLabel('Kit SKU').fill('GIFT-BOX');
  await kitForm.getByLabel('Parts (SKU:QTY, …)').fill('SKU-00000:2,NOPE:1');
  await kitForm.getByRole('button', { name: 'Save kit' }).click();
  await expect(page.getByText('Part NOPE is not in the catalogue')).toBeVisible();
  await kitForm.getByLabel('Parts (SKU:QTY, …)').fill('SKU-00000:2,SKU-00001:1');
  await kitForm.getByRole('button', { name: 'Save kit' }).click();
  // The click only sends the request: the kit is there once the page lists it (asking the API at once
  // raced the page's own call on a busy machine).
  await expect(page.getByTestId('kits')).toContainText('GIFT-BOX');
  // SKU-00000 has 10 at the warehouse, SKU-00001 11, less what open orders hold: the page shows what the API says.
  const kits = await backroom.call<{ sku: string; available: number }[]>('bundle.list');
  expect(kits.map((k) => k.sku)).toEqual(['GIFT-BOX']);
  await expect(page.getByTestId('kits')).toContainText(String(kits[0]!.available));

  const unlinked = await backroom.call<{ shop: string; shopSku: string }[]>('sku.unlinked', {});
  if (unlinked.length) {
    const first = unlinked[0]!;
    await page.getByLabel(`Catalogue SKU for ${first.shopSku}`).first().fill('SKU-00002');
    await page.getByTestId('unlinked').getByRole('row').filter({ hasText: first.shopSku }).first().getByRole('button', { name: 'Link' }).click();
    await expect.poll(async () => (await backroom.call<{ shopSku: string }[]>('sku.aliases', {})).map((a) => a.shopSku)).toContain(first.shopSku);
  }
  await page.screenshot({ path: join(SCREENS, 'catalogue.png'), fullPage: true });
});

test('the dry run shows the plan per shop and says nothing was changed', async ({ page, backroom }) => {
  await backroom.open(page);
  await nav(page, 'Dry run').click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Dry run');
  await page.getByRole('button', { name: 'Show the plan' }).click();
  const plan = page.getByTestId('plan');
  await expect(plan).toContainText('Nothing was changed');
  await expect(plan).toContainText('Practice shop');
  await expect(plan.getByRole('heading', { name: 'Stock' })).toBeVisible();
  await page.screenshot({ path: join(SCREENS, 'plan.png'), fullPage: true });
});
