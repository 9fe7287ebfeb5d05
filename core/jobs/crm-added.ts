/**
 * Which tags Backroom has already added to which contact in one CRM, read from the exactly-once
 * ledger's done keys (`CrmLedgerReader.addedKeys` gives the candidates): they end
 * `|CRM|EMAIL|TAG|add` (see `ledgerKey` in crm.ts). A bulk import sends tags without reading the
 * contact first, so a contact due a tag it was already given (Customer from an
 * earlier order) goes one by one instead, where its tags are read and only missing ones are sent.
 * Keys are `email|tag`, both lower-case. A tag whose name holds `|` is not recognised here; such a
 * contact may travel in an import, which ActiveCampaign answers with the link it already has.
 */
export function tagsAddedBefore(doneKeys: Iterable<string>, crm: string): Set<string> {
  const added = new Set<string>();
  const suffix = '|add';
  for (const key of doneKeys) {
    if (!key.endsWith(suffix)) continue;
    const parts = key.split('|');
    if (parts.length < 5 || parts[parts.length - 4] !== crm) continue;
    added.add(addedKey(parts[parts.length - 3]!, parts[parts.length - 2]!));
  }
  return added;
}

export const addedKey = (email: string, tag: string) => `${email.trim().toLowerCase()}|${tag.trim().toLowerCase()}`;
