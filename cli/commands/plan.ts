import { STOCK_PLAN_WORDS, stockPlanSummary, type SyncPlan } from '../../core/model';
import { table } from '../output';

const MAX_ROWS = 200;

function capped<T>(rows: T[]): { shown: T[]; more: string } {
  return { shown: rows.slice(0, MAX_ROWS), more: rows.length > MAX_ROWS ? `\n  … ${rows.length - MAX_ROWS} more (all of them with --json)` : '' };
}

const indent = (text: string) => text.split('\n').map((l) => `  ${l}`).join('\n');

/** The dry run in words: per shop, the orders it would import, the quantities it would push and why, the shipping; then the CRM. */
export function formatPlan(plan: SyncPlan): string {
  if (plan.shops.length === 0) return 'Nothing to plan: add a shop first (backroom shop add --help).';
  const out: string[] = ['Dry run: this is what a sync would do now. Nothing was changed, on the shops or here.'];
  for (const shop of plan.shops) {
    out.push('', `${shop.shop}${shop.firstSync ? ' (first sync)' : ''}`);
    if (shop.problem) out.push(`  ! ${shop.problem}`);
    if (shop.orders.length) {
      const { shown, more } = capped(shop.orders);
      out.push(`  Orders: ${shop.orders.length + shop.moreOrders} to import or update`);
      out.push(indent(table(['ORDER', 'WHAT', 'STATUS', 'CUSTOMER', 'LINES', 'HOLDS'], shown.map((o) => [
        o.number, o.action, o.status, o.email, o.lines.map((l) => `${l.sku || '(no SKU)'}×${l.quantity}`).join(' '),
        Object.entries(o.holds).map(([sku, q]) => `${sku}×${q}`).join(' ') || '-',
      ]))) + more);
      const unknown = [...new Set(shop.orders.flatMap((o) => o.unknownSkus))];
      if (unknown.length) out.push(`  Not in the catalogue (would be listed by backroom sku unlinked): ${unknown.slice(0, 20).join(', ')}${unknown.length > 20 ? ', …' : ''}`);
    } else out.push('  Orders: nothing new');
    if (shop.moreOrders) out.push(`  … and ${shop.moreOrders} more orders`);
    if (shop.stoppedReading) out.push(`  ${shop.stoppedReading}`);
    for (const [status, n] of Object.entries(shop.skippedByStatus)) out.push(`  ${n} order(s) in status ${status} would be skipped (not in this shop's statuses)`);
    if (shop.stock.length) {
      const { shown, more } = capped(shop.stock);
      out.push(`  Stock: ${stockPlanSummary(shop.stock, shop.unchangedStock)}`);
      out.push(indent(table(['SKU', 'FROM', 'TO', 'WHAT', 'WHY'], shown.map((s) => [s.sku, s.from ?? '?', s.to, STOCK_PLAN_WORDS[s.action], s.why]))) + more);
    } else out.push(`  Stock: nothing to push (${shop.unchangedStock} unchanged)`);
    if (shop.shipments.length) {
      out.push('  Shipping:');
      for (const s of shop.shipments) {
        if (s.waiting) out.push(`    ${s.order}: ${s.waiting}`);
        else out.push(`    ${s.order}: ${s.shipments.map((x) => `${x.carrier} ${x.tracking}`).join(', ') || 'no new tracking'}${s.complete ? '; marked completed' : ''}`);
      }
    }
  }
  if (plan.crm.length) {
    out.push('', 'CRM:');
    const { shown, more } = capped(plan.crm);
    out.push(indent(table(['CRM', 'CONTACT', 'ADD TAGS', 'REMOVE TAGS', 'FROM'], shown.map((c) => [c.crm, c.email, c.add.join(', ') || '-', c.remove.join(', ') || '-', c.source === 'queued' ? 'waiting in the queue' : 'the orders above'])) + more));
  }
  return out.join('\n');
}
