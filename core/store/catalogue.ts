import { CatalogueData, emptyCatalogue } from '../model';
import type { DocumentSpec } from './json-document';

/** Aliases, kits and unlinked SKUs live in their own small file: they change rarely, and never with every order. */
export const CATALOGUE_FILE = 'catalogue.json';

export const catalogueSpec: DocumentSpec<CatalogueData> = {
  label: CATALOGUE_FILE,
  version: 1,
  create: emptyCatalogue,
  validate: (data) => {
    const result = CatalogueData.safeParse(data);
    if (!result.success) {
      const issue = result.error.issues[0]!;
      throw new Error(`field ${issue.path.join('.') || '(root)'} ${issue.message}`);
    }
    return result.data;
  },
};
