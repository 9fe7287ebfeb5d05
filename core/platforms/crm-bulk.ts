import type { CrmBulkResult, CrmTagChange } from './crm-types';
import { PlatformError } from './http';

/**
 * Makes tag changes one contact at a time (the platform client paces the requests), collecting
 * failures by index instead of stopping, so the caller can record exactly which changes were made.
 */
export async function applyIndividually(
  one: (change: CrmTagChange) => Promise<void>,
  changes: readonly CrmTagChange[],
  indexes: readonly number[] = changes.map((_, i) => i),
): Promise<Pick<CrmBulkResult, 'individually' | 'failed'>> {
  const failed: CrmBulkResult['failed'] = [];
  let individually = 0;
  await Promise.all(
    indexes.map(async (index) => {
      const change = changes[index]!;
      try {
        await one(change);
        individually++;
      } catch (error) {
        failed.push({ index, error: error instanceof PlatformError ? error : new PlatformError('network', (error as Error).message) });
      }
    }),
  );
  failed.sort((a, b) => a.index - b.index);
  return { individually, failed };
}
