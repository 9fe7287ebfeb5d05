/**
 * The members the engine and the scheduler need (the block "what the engine and the scheduler need"
 * at the end of repositories.ts) over the JSON folder. Kept apart from json-repositories.ts so they
 * read as one addition.
 */
import type { SettingsReader } from './repositories';
import type { Store } from './store';

export function jsonSettingsForEngine(store: Store): Pick<SettingsReader, 'withoutCatalogue'> {
  return {
    async withoutCatalogue() {
      const { settings, shops, locations, crms, rules } = store.main.data;
      return structuredClone({ settings, shops, locations, crms, rules });
    },
  };
}
