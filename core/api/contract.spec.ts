// The API is assembled from its namespaces: the method names front ends and scripts call stay
// exactly these, every method reaches its own schema and handler, and two namespaces can never
// claim one method name.
import { fc, test } from '@fast-check/vitest';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { hostEngine } from '../host/host';
import { FakeClock } from '../runtime/clock';
import { removeTempDirs, tempDir } from '../../test/helpers';
import { contract, joinContracts } from './contract';
import { method, type MethodDef } from './define';
import { ApiError } from './errors';
import { dispatch } from './server';

afterAll(removeTempDirs);

/** The public method names: what `backroom`, the TUI, the window and scripts over HTTP call. Renaming one breaks them. */
const PUBLIC_METHODS = [
  'alerts.dismiss', 'alerts.dismissGroup', 'alerts.groups', 'alerts.list',
  'bundle.add', 'bundle.list', 'bundle.remove',
  'carts.list',
  'charts.ordersPerDay', 'charts.stockHistory', 'charts.syncLag',
  'crm.add', 'crm.list', 'crm.remove', 'crm.setConnection', 'crm.test',
  'engine.pause', 'engine.resume', 'engine.state',
  'errors.dismiss', 'errors.list', 'errors.retry',
  'export.write',
  'location.add', 'location.list',
  'orders.list', 'orders.show',
  'rules.add', 'rules.list', 'rules.remove', 'rules.replay',
  'settings.get', 'settings.update',
  'ship', 'shipments.import',
  'shop.add', 'shop.list', 'shop.remove', 'shop.setConnection', 'shop.test', 'shop.update',
  'sku.alias', 'sku.aliases', 'sku.ignore', 'sku.link', 'sku.unalias', 'sku.unlinked',
  'status',
  'stock.at', 'stock.import', 'stock.list', 'stock.low', 'stock.reorderPoint', 'stock.return', 'stock.sent', 'stock.set', 'stock.why',
  'sync.plan', 'sync.run',
];

describe('the API contract', () => {
  it('offers exactly the public methods', () => {
    expect(Object.keys(contract).sort()).toEqual([...PUBLIC_METHODS].sort());
  });

  it('answers every method with its own schema and handler, and an unknown one with a clear error', async () => {
    const host = (await hostEngine({ dataDir: await tempDir('br-contract-'), serve: false, clock: new FakeClock(Date.parse('2026-03-02T10:00:00Z')) }))!;
    try {
      for (const name of PUBLIC_METHODS) {
        // Every method's parameters are a strict object: a field no method has is refused before any handler runs.
        const refused = await dispatch(host.ctx, name, { 'no-such-field': 1 }).then(() => null, (error: unknown) => error);
        expect(refused, name).toBeInstanceOf(ApiError);
        expect(refused, name).toMatchObject({ code: 'bad-input' });
      }
      // And with good parameters a handler runs and answers (one read-only method of each kind of answer).
      await expect(dispatch(host.ctx, 'location.list', {})).resolves.toEqual([]);
      await expect(dispatch(host.ctx, 'engine.state', {})).resolves.toMatchObject({ paused: false });
      await expect(dispatch(host.ctx, 'shops.list', {})).rejects.toThrow('There is no API method called "shops.list".');
    } finally {
      await host.close();
    }
  });
});

describe('joining namespaces', () => {
  const def = (): MethodDef => method<null>()(z.object({}).strict());
  const methodName = fc.constantFrom('a.list', 'a.add', 'b.list', 'b.show', 'c', 'c.run', 'd.set');
  const parts = fc.dictionary(fc.constantFrom('orders', 'stock', 'shops', 'crm', 'rules'), fc.uniqueArray(methodName, { maxLength: 4 }), { minKeys: 1, maxKeys: 5 });

  test.prop([parts], { numRuns: 300 })('keeps every method of every part, and refuses a name that two parts declare', (names) => {
    const built = Object.fromEntries(Object.entries(names).map(([part, methods]) => [part, { contract: Object.fromEntries(methods.map((m) => [m, def()])) }]));
    const all = Object.values(names).flat();
    const twice = all.find((name, i) => all.indexOf(name) !== i);
    if (twice) {
      const owners = Object.entries(names).filter(([, methods]) => methods.includes(twice)).map(([part]) => part);
      expect(() => joinContracts(built)).toThrow(`API method "${twice}" is declared by both the ${owners[0]} and the ${owners[1]} namespace.`);
    } else {
      const joined = joinContracts(built);
      expect(Object.keys(joined).sort()).toEqual([...all].sort());
      for (const [part, { contract: own }] of Object.entries(built)) for (const [name, d] of Object.entries(own)) expect(joined[name], `${part} ${name}`).toBe(d);
    }
  });
});
