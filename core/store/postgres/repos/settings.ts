/**
 * Settings on PostgreSQL (app_settings, shops, locations, crm_connections, rules, catalogue). An
 * update replaces the lists it is given: rows no longer listed are deleted, the rest upserted by
 * name, so a shop's sealed keys in its row survive a change of its settings.
 */
import { emptyCatalogue, type CatalogueData } from '../../../model';
import type { SettingsReader, SettingsSnapshot, SettingsWriter } from '../../repositories';
import type { Db, Tables } from './db';
import { postgresSettingsForEngine, settingsWithoutCatalogue } from './engine';

export function postgresSettings(db: Db, t: Tables): SettingsReader & SettingsWriter {
  /** Replaces a named list: deletes the names not given, upserts the rest with their position. */
  async function replaceNamed(table: string, names: string[], upsert: (position: number) => Promise<void>): Promise<void> {
    await db.query(`delete from ${t(table)} where not (name = any($1::text[]))`, [names]);
    for (let i = 0; i < names.length; i++) await upsert(i);
  }

  return {
    ...postgresSettingsForEngine(db, t),
    async get(): Promise<SettingsSnapshot> {
      // One after another: on a unit's connection, statements cannot overlap.
      const rest = await settingsWithoutCatalogue(db, t);
      const catalogue = await db.query<{ catalogue: CatalogueData }>(`select catalogue from ${t('catalogue')}`);
      return { ...rest, catalogue: catalogue.rows[0]?.catalogue ?? emptyCatalogue() };
    },
    async update(change) {
      if (change.settings) {
        await db.query(`insert into ${t('app_settings')} (id, settings) values (true, $1) on conflict (id) do update set settings = excluded.settings, updated_at = now()`, [JSON.stringify(change.settings)]);
      }
      if (change.catalogue) {
        await db.query(`insert into ${t('catalogue')} (id, catalogue) values (true, $1) on conflict (id) do update set catalogue = excluded.catalogue`, [JSON.stringify(change.catalogue)]);
      }
      const { shops, locations, crms, rules } = change;
      if (shops) {
        await replaceNamed('shops', shops.map((s) => s.name), (i) => db.query(
          `insert into ${t('shops')} (name, platform, settings, added_at, position) values ($1, $2, $3, $4, $5)
           on conflict (name) do update set platform = excluded.platform, settings = excluded.settings, added_at = excluded.added_at, position = excluded.position`,
          [shops[i]!.name, shops[i]!.platform, JSON.stringify(shops[i]), shops[i]!.addedAt, i],
        ).then(() => undefined));
      }
      if (locations) {
        await replaceNamed('locations', locations.map((l) => l.name), (i) => db.query(
          `insert into ${t('locations')} (name, added_at, position) values ($1, $2, $3) on conflict (name) do update set added_at = excluded.added_at, position = excluded.position`,
          [locations[i]!.name, locations[i]!.addedAt, i],
        ).then(() => undefined));
      }
      if (crms) {
        await replaceNamed('crm_connections', crms.map((c) => c.name), (i) => db.query(
          `insert into ${t('crm_connections')} (name, platform, settings, added_at, position) values ($1, $2, $3, $4, $5)
           on conflict (name) do update set platform = excluded.platform, settings = excluded.settings, added_at = excluded.added_at, position = excluded.position`,
          [crms[i]!.name, crms[i]!.platform, JSON.stringify(crms[i]), crms[i]!.addedAt, i],
        ).then(() => undefined));
      }
      if (rules) {
        await db.query(`delete from ${t('rules')}`);
        for (const [i, rule] of rules.entries()) await db.query(`insert into ${t('rules')} (id, position, rule) values ($1, $2, $3)`, [rule.id, i, JSON.stringify(rule)]);
      }
    },
  };
}
