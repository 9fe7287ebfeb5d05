// Every page of the window at a phone's width (390 px) and a laptop's (1280 px): nothing pushes the
// page sideways, every section stays reachable, and a screenshot of each is kept under
// test-results/screens/widths/ (gitignored). Also what the Stock and Carts pages must tell.
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, SCREENS, test } from './fixtures';

const PAGES = [
  { nav: 'Dashboard', heading: 'Dashboard', file: 'dashboard' },
  { nav: 'Orders', heading: 'Orders', file: 'orders' },
  { nav: 'Stock', heading: 'Stock', file: 'stock' },
  { nav: 'Carts', heading: 'Carts', file: 'carts' },
  { nav: 'Errors & alerts', heading: 'Errors & alerts', file: 'issues' },
  { nav: 'Settings', heading: 'Settings', file: 'settings' },
] as const;

const nav = (page: Page, name: string) => page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name });

/** How far the page reaches past the right edge of the window, in CSS pixels (0 = fits). */
const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

for (const width of [390, 1280] as const) {
  test(`every page fits ${width} px wide, each section is reachable, and a screenshot is kept`, async ({ page, backroom }) => {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 860 });
    await backroom.open(page);
    for (const p of PAGES) {
      const button = nav(page, p.nav);
      await button.scrollIntoViewIfNeeded();
      await expect(button).toBeInViewport();
      await button.click();
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(p.heading);
      await page.waitForLoadState('networkidle');
      expect(await overflow(page), `${p.file} at ${width} px reaches past the window`).toBeLessThanOrEqual(0);
      if (p.file === 'stock') {
        // The table's last columns are reachable by scrolling it, and its first stays in view meanwhile.
        const available = page.getByTestId('available').first();
        await available.scrollIntoViewIfNeeded();
        await expect(available).toBeInViewport();
        await expect(page.getByRole('button', { name: 'Stock of SKU-00000 over time' })).toBeInViewport();
      }
      await page.screenshot({ path: join(SCREENS, 'widths', `${p.file}-${width}.png`), fullPage: true });
    }
  });
}

test('the stock page shows what the shop was last sent and flags a SKU whose orders hold more than is on hand', async ({ page, backroom }) => {
  // The practice shop's products are SKU-00000…SKU-00005; give every one a stock line so its commitments show.
  type Row = { sku: string; committed: number; totalOnHand: number };
  const listed = new Set((await backroom.call<Row[]>('stock.list', {})).map((s) => s.sku));
  for (let i = 0; i < 6; i++) if (!listed.has(`SKU-0000${i}`)) await backroom.call('stock.set', { sku: `SKU-0000${i}`, location: 'Warehouse', quantity: 100 });
  const held = (await backroom.call<Row[]>('stock.list', {})).find((s) => s.committed > 0);
  expect(held, 'the practice orders hold stock of some SKU').toBeTruthy();
  await backroom.call('stock.set', { sku: held!.sku, location: 'Warehouse', quantity: 0 });
  await backroom.call('sync.run', { job: 'inventory' });
  const sent = await backroom.call<{ shops: { name: string; lastSent: Record<string, number> }[] }>('stock.sent', {});
  const lastSent = sent.shops[0]!.lastSent;

  await backroom.open(page);
  await nav(page, 'Stock').click();
  const table = page.getByTestId('stock-table');
  await expect(table.locator('thead th', { hasText: `Last sent to ${backroom.info.shop}` })).toBeVisible();
  const row = page.locator(`tr[data-sku="${held!.sku}"]`);
  await expect(row.getByTestId('oversold')).toContainText(`${held!.committed} held, 0 on hand`);
  // A SKU the shop cannot take (stock management off there) was never sent: the page shows a dash, not a number.
  const wantSent = lastSent[held!.sku];
  await expect(row.getByTestId(`sent-${backroom.info.shop}`)).toHaveText(wantSent === undefined ? '–' : String(wantSent));
  // A SKU with enough stock carries no flag; the summary counts the flagged ones.
  const stock = await backroom.call<Row[]>('stock.list', {});
  const fine = stock.find((s) => s.committed <= s.totalOnHand)!;
  await expect(page.locator(`tr[data-sku="${fine.sku}"]`).getByTestId('oversold')).toHaveCount(0);
  const oversold = stock.filter((s) => s.committed > s.totalOnHand).length;
  await expect(page.getByTestId('oversold-summary')).toContainText(`${oversold} SKU${oversold === 1 ? '' : 's'}`);
});

test('the carts page shows the value abandoned and the value recovered', async ({ page, backroom }) => {
  const carts = await backroom.call<{ state: string; total: string; currency: string }[]>('carts.list', {});
  const sum = (state: string) => carts.filter((c) => c.state === state).reduce((a, c) => a + Number(c.total), 0);
  expect(carts.some((c) => c.state === 'abandoned')).toBe(true);
  const currency = carts[0]!.currency;
  const euros = (n: number) => new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(n);

  await backroom.open(page);
  await nav(page, 'Carts').click();
  await expect(page.getByTestId('value-abandoned')).toContainText(euros(sum('abandoned') + sum('lost') + sum('recovered') + sum('unsubscribed')));
  await expect(page.getByTestId('value-recovered')).toContainText(euros(sum('recovered')));
});

test('the dashboard draws orders per day per shop from the stored orders', async ({ page, backroom }) => {
  const perDay = await backroom.call<{ days: string[]; shops: { name: string; counts: number[] }[] }>('charts.ordersPerDay', { days: 30 });
  const total = perDay.shops.reduce((n, s) => n + s.counts.reduce((a, b) => a + b, 0), 0);
  await backroom.open(page);
  const chart = page.getByTestId('chart-orders-per-day');
  await expect(chart).toHaveAttribute('data-total', String(total));
  await expect(chart.locator('canvas')).toHaveCount(1);
  await expect(chart.locator('.u-legend')).toContainText(backroom.info.shop);
  await chart.screenshot({ path: join(SCREENS, 'chart-orders-per-day.png') });
});

test('a SKU’s stock over time opens from the stock list and follows an edit', async ({ page, backroom }) => {
  await backroom.open(page);
  await nav(page, 'Stock').click();
  await page.getByRole('button', { name: 'Stock of SKU-00001 over time' }).click();
  const chart = page.getByTestId('chart-stock-history');
  const before = await backroom.call<{ points: unknown[] }>('charts.stockHistory', { sku: 'SKU-00001' });
  await expect(chart).toHaveAttribute('data-points', String(before.points.length));
  await expect(chart.locator('canvas')).toHaveCount(1);

  const row = page.locator('tr[data-sku="SKU-00001"]');
  await row.getByRole('button', { name: 'Edit SKU-00001 at Warehouse' }).click();
  const input = row.getByRole('textbox', { name: 'New quantity of SKU-00001 at Warehouse' });
  await input.fill('3');
  await input.press('Enter');
  await expect(chart).toHaveAttribute('data-latest', '3');
  await page.getByTestId('chart-stock-history').screenshot({ path: join(SCREENS, 'chart-stock-history.png') });
});

test('the dashboard draws the sync lag per shop from the recorded order pulls', async ({ page, backroom }) => {
  await backroom.call('sync.run', { job: 'orders' });
  const lag = await backroom.call<{ shops: { name: string; runs: unknown[] }[] }>('charts.syncLag', {});
  const runs = lag.shops.find((s) => s.name === backroom.info.shop)!.runs.length;
  expect(runs).toBeGreaterThan(0);
  await backroom.open(page);
  const chart = page.getByTestId('chart-sync-lag');
  await expect(chart).toHaveAttribute('data-runs', String(runs));
  await expect(chart.locator('.u-legend')).toContainText(backroom.info.shop);
  await chart.screenshot({ path: join(SCREENS, 'chart-sync-lag.png') });
});
