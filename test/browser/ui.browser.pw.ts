// The renderer in real Chromium, through the HTTP/WebSocket transport, against a real engine with
// a WooCommerce sandbox shop (see serve.ts). Nothing is mocked.
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, SCREENS, test } from './fixtures';

interface StockRow {
  sku: string;
  onHand: Record<string, number>;
}

const nav = (page: Page, name: string) => page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name });

test('the dashboard shows the shop, its orders and the engine state; the key leaves the address bar', async ({ page, backroom }) => {
  await backroom.open(page);
  expect(page.url()).not.toContain('token');
  expect(page.url()).not.toContain('#');
  const shops = page.getByTestId('shop-list');
  await expect(shops).toContainText('Practice shop');
  await expect(shops).toContainText('WooCommerce');
  const status = await backroom.call<{ shops: { orders: number }[] }>('status');
  expect(status.shops[0]!.orders).toBeGreaterThan(0);
  await expect(page.getByTestId('stat-orders')).toHaveText(String(status.shops[0]!.orders));
  await expect(page.getByTestId('stat-errors')).toHaveText('2');
  await expect(page.getByTestId('engine-state')).toHaveAttribute('data-state', 'errors');
  await page.screenshot({ path: join(SCREENS, 'dashboard.png'), fullPage: true });

  // The key stays for this tab: a reload still works without the fragment.
  await page.reload();
  await expect(page.getByTestId('shop-list')).toContainText('Practice shop');
});

test('a page opened without the key explains where the link comes from', async ({ page, backroom }) => {
  await page.goto(backroom.info.url);
  await expect(page.getByRole('heading', { name: 'Backroom needs its link' })).toBeVisible();
});

test('a stock edit round-trips through the engine, and a bad quantity shows the API message naming the field', async ({ page, backroom }) => {
  await backroom.open(page);
  await nav(page, 'Stock').click();
  const row = page.locator('tr[data-sku="SKU-00001"]');
  await expect(row).toBeVisible();
  await row.getByRole('button', { name: 'Edit SKU-00001 at Warehouse' }).click();
  const input = row.getByRole('textbox', { name: 'New quantity of SKU-00001 at Warehouse' });
  await input.fill('-4');
  await input.press('Enter');
  await expect(row.getByRole('alert')).toContainText('quantity: must not be negative');
  await input.fill('42');
  await input.press('Enter');
  await expect(row.getByRole('button', { name: 'Edit SKU-00001 at Warehouse' })).toHaveText('42');

  const stock = await backroom.call<StockRow[]>('stock.list', { sku: 'SKU-00001' });
  expect(stock.find((s) => s.sku === 'SKU-00001')!.onHand.Warehouse).toBe(42);
  await page.reload();
  await nav(page, 'Stock').click();
  await expect(page.locator('tr[data-sku="SKU-00001"]').getByRole('button', { name: 'Edit SKU-00001 at Warehouse' })).toHaveText('42');
  await page.screenshot({ path: join(SCREENS, 'stock.png'), fullPage: true });
});

test('a CSV import shows a dry-run preview first, and a bad line applies nothing', async ({ page, backroom }) => {
  await backroom.open(page);
  await nav(page, 'Stock').click();
  const csv = page.getByRole('textbox', { name: 'CSV text' });
  await csv.fill('sku,location,quantity\nSKU-00002,Warehouse,7\nNEW-1,Shop floor,3\n');
  await page.getByRole('button', { name: 'Preview changes' }).click();
  const preview = page.getByTestId('import-preview');
  await expect(preview).toContainText('2 changes');
  await expect(preview).toContainText('NEW-1');
  expect((await backroom.call<StockRow[]>('stock.list', { sku: 'NEW-1' })).length).toBe(0);
  await page.getByRole('button', { name: /^Apply 2 changes/ }).click();
  await expect(page.getByText('Imported: 2 changes saved.')).toBeVisible();
  await expect(page.locator('tr[data-sku="NEW-1"]')).toBeVisible();

  await csv.fill('sku,location,quantity\nSKU-00000,Warehouse,5\nSKU-00000,Nowhere,2\n');
  await page.getByRole('button', { name: 'Preview changes' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'line 3' })).toContainText('Nothing was imported');
});

test('a bad shop address shows the API message under the field it names', async ({ page, backroom }) => {
  await backroom.open(page);
  await nav(page, 'Settings').click();
  const form = page.getByRole('form', { name: 'Add a shop' });
  await form.getByRole('button', { name: 'Add shop' }).click();
  await expect(form.locator('[data-field="url"] [role="alert"]')).toHaveText('must not be empty');

  const input = (field: string) => form.locator(`[data-field="${field}"] input`);
  await input('name').fill('Second shop');
  await input('url').fill('http://shop.example.com');
  await input('key').fill('ck_abcdefgh12345678');
  await input('secret').fill('cs_abcdefgh12345678');
  await form.getByRole('button', { name: 'Add shop' }).click();
  const urlError = form.locator('[data-field="url"] [role="alert"]');
  await expect(urlError).toContainText('uses plain http');
  await expect(form.locator('[data-field="url"]')).toHaveClass(/field-bad/);
  await expect(page.getByTestId('settings-shops')).not.toContainText('Second shop');
  await page.screenshot({ path: join(SCREENS, 'settings.png'), fullPage: true });

  await input('url').fill('https://second.example.com');
  // No shop answers at this address: save the keys without asking.
  await form.getByRole('checkbox', { name: /Ask the shop whether it accepts these keys/ }).uncheck();
  await form.getByRole('button', { name: 'Add shop' }).click();
  await expect(page.getByTestId('settings-shops')).toContainText('Second shop');
  await expect(urlError).toHaveCount(0);
});

test('errors can be retried and dismissed; alerts dismissed', async ({ page, backroom }) => {
  await backroom.open(page);
  await nav(page, 'Errors & alerts').click();
  const { pull, missingOrder } = backroom.info.errors;
  const pullItem = page.locator(`[data-error-id="${pull}"]`);
  const missingItem = page.locator(`[data-error-id="${missingOrder}"]`);
  await expect(pullItem).toContainText('503 Service Unavailable');
  await expect(missingItem).toBeVisible();
  await page.screenshot({ path: join(SCREENS, 'errors.png'), fullPage: true });

  // The pull works again, so a retry clears the error.
  await pullItem.getByRole('button', { name: 'Retry' }).click();
  await expect(pullItem).toHaveCount(0);

  // The shop no longer has this order: the retry runs, fails again, and says why.
  await missingItem.getByRole('button', { name: 'Retry' }).click();
  await expect(missingItem.getByRole('alert')).toContainText('Still failing');
  await missingItem.getByRole('button', { name: 'Dismiss' }).click();
  await expect(missingItem).toHaveCount(0);
  await expect(page.getByTestId('errors').locator('li')).toHaveCount(0);
  await expect(page.getByText('No errors.')).toBeVisible();

  const alert = page.locator(`[data-alert-id="${backroom.info.alert}"]`);
  await expect(alert).toContainText('MUG-BLUE');
  await alert.getByRole('button', { name: 'Dismiss' }).click();
  await expect(alert).toHaveCount(0);
  expect((await backroom.call<{ id: string }[]>('alerts.list')).map((a) => a.id)).not.toContain(backroom.info.alert);
  expect(await backroom.call<unknown[]>('errors.list')).toEqual([]);
  await expect(page.getByTestId('engine-state')).toHaveAttribute('data-state', 'ok');
});

test('events from the engine update the page live, without a reload', async ({ page, backroom }) => {
  await backroom.open(page);
  // Another front end (the CLI, a second window) pauses the engine: the state pill follows.
  await backroom.call('engine.pause');
  // The seeded errors outrank "paused" in the state word; the pill still says it is paused.
  await expect(page.getByTestId('engine-state')).toHaveAttribute('data-paused', 'true');
  await expect(page.getByTestId('engine-state')).toContainText('paused');
  await expect(page.getByRole('button', { name: 'Resume syncing' })).toBeVisible();
  await page.getByRole('button', { name: 'Resume syncing' }).click();
  await expect(page.getByRole('button', { name: 'Pause syncing' })).toBeVisible();

  // Sync now: the job events show up in the activity list.
  await page.getByRole('button', { name: 'Sync now' }).click();
  await expect(page.getByTestId('activity')).toContainText('Order pull · Practice shop');

  // A stock change made elsewhere appears in the open Stock page.
  await nav(page, 'Stock').click();
  const cell = page.locator('tr[data-sku="SKU-00000"]').getByRole('button', { name: 'Edit SKU-00000 at Warehouse' });
  await expect(cell).toHaveText('10');
  await backroom.call('stock.set', { sku: 'SKU-00000', quantity: 77, location: 'Warehouse' });
  await expect(cell).toHaveText('77');
  await backroom.call('stock.set', { sku: 'LIVE-1', quantity: 5, location: 'Shop floor' });
  await expect(page.locator('tr[data-sku="LIVE-1"]')).toBeVisible();
});

test('an order opens with its lines, and a shipment can be recorded', async ({ page, backroom }) => {
  await backroom.open(page);
  await nav(page, 'Orders').click();
  const table = page.getByTestId('orders-table');
  const list = await backroom.call<{ orders: { number: string; fulfilment: string; status: string }[] }>('orders.list');
  const target = list.orders.find((o) => o.fulfilment === 'unfulfilled' && o.status === 'processing') ?? list.orders[0]!;
  await table.getByRole('row').filter({ hasText: target.number }).click();
  await expect(page.getByRole('heading', { name: `Order ${target.number}` })).toBeVisible();
  const form = page.getByRole('form', { name: 'Record a shipment' });
  await form.getByRole('button', { name: 'Record shipment' }).click();
  await expect(form.locator('[data-field="carrier"] [role="alert"]')).toContainText('must not be empty');
  await form.locator('[data-field="carrier"] input').fill('DHL');
  await form.locator('[data-field="tracking"] input').fill('JD0123456789');
  await page.screenshot({ path: join(SCREENS, 'order.png'), fullPage: true });
  await form.getByRole('button', { name: 'Record shipment' }).click();
  await expect(page.getByTestId('shipments')).toContainText('JD0123456789');
  const order = await backroom.call<{ shipments: { tracking: string }[] }>('orders.show', { number: target.number });
  expect(order.shipments.map((s) => s.tracking)).toEqual(['JD0123456789']);
});

test('what changes before the event stream is listening still reaches the page once it is', async ({ page, backroom }) => {
  // Hold the page's greeting on the event stream until the engine has been paused elsewhere:
  // the engine cannot send that event to a page it does not know yet, so the page has to load
  // again when the stream opens, or it shows "running" forever.
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.routeWebSocket(/\/events$/, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((message) => void held.then(() => server.send(message)));
  });
  await backroom.open(page);
  await expect(page.getByTestId('engine-state')).toHaveAttribute('data-paused', 'false');
  await backroom.call('engine.pause');
  release();
  await expect(page.getByTestId('engine-state')).toHaveAttribute('data-paused', 'true');
  await expect(page.getByRole('button', { name: 'Resume syncing' })).toBeVisible();
});
