// Shop and CRM keys on PostgreSQL: sealed before they reach the database (no plaintext anywhere in
// the row), opened only with the operator's key, bound to their reference, and gone when deleted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseStoreAddress } from '../../core/store/postgres/connection';
import { loadMigrations, migrate } from '../../core/store/postgres/migrate';
import { openStorePool, type StorePool } from '../../core/store/postgres/pool';
import { generateStoreKey, parseStoreKey, SealedSecretError } from '../../core/store/postgres/secret-box';
import { postgresSecretStore } from '../../core/store/postgres/secret-store';
import { postgresForSuite } from './server';

const started = await postgresForSuite('postgres secret store');

describe.skipIf(!started.ok)('PostgreSQL secret store', () => {
  const server = started.ok ? started.server : undefined!;
  let store: StorePool;
  const key = parseStoreKey(generateStoreKey(), 'the test');

  beforeAll(async () => {
    const db = await server.createDatabase('secrets');
    store = await openStorePool(parseStoreAddress(db.url), { max: 4 });
    await migrate(store.pool, 'backroom', await loadMigrations());
  }, 180_000);
  afterAll(async () => {
    await store?.close();
    await server?.stop();
  }, 180_000);

  it('keeps keys sealed, opens them with the store key only, and forgets them on delete', async () => {
    const secrets = postgresSecretStore(store.pool, 'backroom', key);
    const value = { key: 'ck_live_5f3a9d', secret: 'cs_live_e21b77' };
    await secrets.set('shop-1', value);
    await secrets.set('shop-2', { key: 'other' });
    expect(await secrets.get('shop-1')).toEqual(value);
    const { rows } = await store.pool.query<{ row: string }>('select row_to_json(s)::text as row from backroom.sealed_secrets s');
    for (const { row } of rows) for (const plain of [...Object.values(value), 'other']) expect(row).not.toContain(plain);

    const otherKey = postgresSecretStore(store.pool, 'backroom', parseStoreKey(generateStoreKey(), 'another'));
    await expect(otherKey.get('shop-1')).rejects.toThrow(SealedSecretError);
    // A sealed value moved onto another reference does not open there.
    await store.pool.query("update backroom.sealed_secrets set sealed = (select sealed from backroom.sealed_secrets where ref = 'shop-1') where ref = 'shop-2'");
    await expect(secrets.get('shop-2')).rejects.toThrow(/damaged|changed/);

    await secrets.delete('shop-1');
    expect(await secrets.get('shop-1')).toBeUndefined();
    expect(await secrets.get('never-set')).toBeUndefined();
  });

  it('reads keys that a folder copy sealed into the shop row', async () => {
    const { sealSecret } = await import('../../core/store/postgres/secret-box');
    const shop = { name: 'Main', platform: 'woocommerce', secretRef: 'ref-main' };
    await store.pool.query(
      "insert into backroom.shops (name, platform, settings, credentials, added_at) values ('Main', 'woocommerce', $1, $2, now())",
      [JSON.stringify(shop), sealSecret(key, JSON.stringify({ key: 'k1' }), 'shop:Main')],
    );
    const secrets = postgresSecretStore(store.pool, 'backroom', key);
    expect(await secrets.get('ref-main')).toEqual({ key: 'k1' });
    await secrets.delete('ref-main');
    expect(await secrets.get('ref-main')).toBeUndefined();
    expect((await store.pool.query('select credentials from backroom.shops')).rows[0].credentials).toBeNull();
  });
});
