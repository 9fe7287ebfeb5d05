/**
 * The members the engine and the scheduler need (the block "what the engine and the scheduler need"
 * at the end of repositories.ts) on PostgreSQL: the settings tables without the catalogue's row.
 */
import { Settings, type CrmConnection, type Location, type Rule, type Shop } from '../../../model';
import type { SettingsReader, SettingsWithoutCatalogue } from '../../repositories';
import { iso, type Db, type Tables } from './db';

/** Every settings table but the catalogue, one statement after another (a unit's connection runs one at a time). */
export async function settingsWithoutCatalogue(db: Db, t: Tables): Promise<SettingsWithoutCatalogue> {
  const settings = await db.query<{ settings: Settings }>(`select settings from ${t('app_settings')}`);
  const shops = await db.query<{ settings: Shop }>(`select settings from ${t('shops')} order by position, name`);
  const locations = await db.query<{ name: string; added_at: Date }>(`select name, added_at from ${t('locations')} order by position, name`);
  const crms = await db.query<{ settings: CrmConnection }>(`select settings from ${t('crm_connections')} order by position, name`);
  const rules = await db.query<{ rule: Rule }>(`select rule from ${t('rules')} order by position`);
  return {
    // A database without settings yet reads as a new data folder does.
    settings: settings.rows[0]?.settings ?? Settings.parse({}),
    shops: shops.rows.map((r) => r.settings),
    locations: locations.rows.map((r): Location => ({ name: r.name, addedAt: iso(r.added_at)! })),
    crms: crms.rows.map((r) => r.settings),
    rules: rules.rows.map((r) => r.rule),
  };
}

export function postgresSettingsForEngine(db: Db, t: Tables): Pick<SettingsReader, 'withoutCatalogue'> {
  return { withoutCatalogue: () => settingsWithoutCatalogue(db, t) };
}
