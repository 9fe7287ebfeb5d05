// The stock ledger in the window: a SKU's story, its reorder point, and the low-stock list, in
// real Chromium against a real engine (see serve.ts).
import { expect, test } from './fixtures';

test('a SKU tells why its stock is what it is; a reorder point puts it on the low-stock list', async ({ page, backroom }) => {
  await backroom.open(page);
  await backroom.call('stock.set', { sku: 'SKU-00002', location: 'Warehouse', quantity: 3 });
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Stock' }).click();
  await page.getByRole('button', { name: 'Stock of SKU-00002 over time' }).click();
  const story = page.getByTestId('stock-story');
  await expect(story).toContainText('on hand at Warehouse');
  await expect(story.locator('li[data-cause="set"]').last()).toContainText('→ 3: set by hand');

  const point = page.getByRole('textbox', { name: 'Reorder point of SKU-00002' });
  await point.fill('-1');
  await point.press('Enter');
  await expect(page.getByRole('alert').filter({ hasText: 'must not be negative' })).toBeVisible();
  await point.fill('5');
  await point.press('Enter');
  await expect(page.getByTestId('low-stock').locator('tr[data-sku="SKU-00002"]')).toBeVisible();
});
