// Kept free of schema code so the window can parse what the merchant types without loading zod;
// the API checks the parts again with the Bundle schema.

/** The most parts a kit may have, and the units of one part per kit. */
export const KIT_PARTS_MAX = 50;
export const KIT_PART_QUANTITY = { min: 1, max: 1000 } as const;

/** Parses `SKU:QTY,SKU:QTY` (as typed after `--of`) into parts, or says which entry is wrong. */
export function parseBundleParts(text: string): { parts: { sku: string; quantity: number }[] } | { error: string } {
  const entries = text.split(',').map((s) => s.trim()).filter(Boolean);
  if (entries.length === 0) return { error: '--of needs parts like MUG:1,CAP:2.' };
  if (entries.length > KIT_PARTS_MAX) return { error: `--of may list at most ${KIT_PARTS_MAX} parts (got ${entries.length}).` };
  const parts: { sku: string; quantity: number }[] = [];
  for (const entry of entries) {
    const at = entry.lastIndexOf(':');
    const sku = at > 0 ? entry.slice(0, at).trim() : '';
    const qtyText = at > 0 ? entry.slice(at + 1).trim() : '';
    if (!sku || !/^\d{1,7}$/.test(qtyText)) return { error: `--of entry "${entry}" must look like SKU:QTY with a whole quantity from 1 to 1000.` };
    if (sku.length > 100 || [...sku].some((ch) => ch.charCodeAt(0) < 0x20)) return { error: `--of entry "${entry}": the SKU must be at most 100 characters without control characters.` };
    const quantity = Number(qtyText);
    if (quantity < KIT_PART_QUANTITY.min || quantity > KIT_PART_QUANTITY.max) return { error: `--of entry "${entry}": the quantity must be from 1 to 1000 (got ${quantity}).` };
    parts.push({ sku, quantity });
  }
  return { parts };
}
