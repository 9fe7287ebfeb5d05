// Stock on a past day and CSV exports in the window, in real Chromium against a real engine (see
// serve.ts): both through the API (stock.at, export.write), its messages shown at the field.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from './fixtures';

test('the Stock page shows stock as it was on a day; a bad day is refused in words', async ({ page, backroom }) => {
  await backroom.open(page);
  await backroom.call('stock.set', { sku: 'SKU-00002', location: 'Warehouse', quantity: 3 });
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Stock' }).click();
  const day = page.getByRole('textbox', { name: 'Stock on the day' });
  await day.fill('yesterday');
  await day.press('Enter');
  await expect(page.getByRole('alert').filter({ hasText: 'must be a date as YYYY-MM-DD' })).toBeVisible();
  await day.fill('2000-01-01');
  await day.press('Enter');
  await expect(page.getByTestId('stock-at')).toContainText('No stock on 2000-01-01');
  await day.fill(new Date(Date.now() + 86_400_000).toISOString().slice(0, 10));
  await day.press('Enter');
  await expect(page.getByTestId('stock-at').locator('tr[data-sku="SKU-00002"][data-location="Warehouse"]')).toContainText('3');
});

test('the Stock page exports CSV to a file and says where; a relative path is refused', async ({ page, backroom }) => {
  const dir = await mkdtemp(join(tmpdir(), 'br-web-export-'));
  try {
    await backroom.open(page);
    await backroom.call('stock.set', { sku: 'SKU-00002', location: 'Warehouse', quantity: 3 });
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Stock' }).click();
    const form = page.getByRole('form', { name: 'Export to CSV' });
    await form.getByLabel('What').selectOption('stock');
    await form.getByLabel('File').fill('stock.csv');
    await form.getByRole('button', { name: 'Export' }).click();
    await expect(form.getByRole('alert').filter({ hasText: 'must be an absolute path' })).toBeVisible();
    const out = join(dir, 'stock.csv');
    await form.getByLabel('File').fill(out);
    await form.getByRole('button', { name: 'Export' }).click();
    await expect(form.getByRole('status')).toContainText(`to ${out}`);
    expect(await readFile(out, 'utf8')).toContain('SKU-00002');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
