/**
 * Shop and CRM keys in a PostgreSQL store (the SecretStore a data folder keeps in the keychain):
 * sealed with the operator's store key (secret-box.ts) before they reach the database, bound to
 * their reference, in sealed_secrets. Keys that `backroom migrate` copied from a folder sit sealed
 * in their shop's or CRM's row (bound to `shop:NAME` / `crm:NAME`); they are read from there until
 * saved again.
 */
import type pg from 'pg';
import type { Credentials, SecretStore } from '../secrets';
import { openSecret, sealSecret, type StoreKey } from './secret-box';

const context = (ref: string) => `secret:${ref}`;

function parsed(text: string, ref: string): Credentials {
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.values(value).every((v) => typeof v === 'string')) {
    throw new Error(`The stored keys for ${ref} are not in the form Backroom writes; enter them again (shop set / crm set).`);
  }
  return value as Credentials;
}

export function postgresSecretStore(pool: pg.Pool, schema: string, key: StoreKey): SecretStore {
  return {
    kind: 'database',
    async get(ref) {
      const own = await pool.query<{ sealed: string }>(`select sealed from ${schema}.sealed_secrets where ref = $1`, [ref]);
      if (own.rows[0]) return parsed(openSecret(key, own.rows[0].sealed, context(ref)), ref);
      const copied = await pool.query<{ kind: string; name: string; credentials: string }>(
        `select 'shop' as kind, name, credentials from ${schema}.shops where settings->>'secretRef' = $1 and credentials is not null
         union all select 'crm', name, credentials from ${schema}.crm_connections where settings->>'secretRef' = $1 and credentials is not null`,
        [ref],
      );
      const row = copied.rows[0];
      return row ? parsed(openSecret(key, row.credentials, `${row.kind}:${row.name}`), ref) : undefined;
    },
    async set(ref, value) {
      await pool.query(
        `insert into ${schema}.sealed_secrets (ref, sealed) values ($1, $2) on conflict (ref) do update set sealed = excluded.sealed, updated_at = now()`,
        [ref, sealSecret(key, JSON.stringify(value), context(ref))],
      );
    },
    async delete(ref) {
      await pool.query(`delete from ${schema}.sealed_secrets where ref = $1`, [ref]);
      // A copied key must not outlive its deletion in its shop's row.
      await pool.query(`update ${schema}.shops set credentials = null where settings->>'secretRef' = $1`, [ref]);
      await pool.query(`update ${schema}.crm_connections set credentials = null where settings->>'secretRef' = $1`, [ref]);
    },
  };
}
