import { createHash } from 'node:crypto';
import type { UnreadableWork } from '../model/work';

/** The error entry's operation for an item of queue.json that could not be read. */
export const UNREADABLE_KIND = 'queue.unreadable';

/** The fields of an item as read, whatever it is (a damaged item may not even be an object). */
function fieldsOf(item: unknown): Record<string, unknown> {
  return typeof item === 'object' && item !== null && !Array.isArray(item) ? Object.fromEntries(Object.entries(item)) : {};
}

/**
 * The name an unreadable item goes by in the error list: its own id when it has one, else a short
 * hash of its text, so the same item gets the same error entry every time the folder is opened.
 */
export function unreadableId(item: unknown): string {
  const { id } = fieldsOf(item);
  return typeof id === 'string' && id ? id : createHash('sha256').update(JSON.stringify(item) ?? '').digest('hex').slice(0, 8);
}

/** ` (kind)` when the item names its kind, bounded so a hand-edited file cannot flood a message. */
export function unreadableKindLabel(item: unknown): string {
  const { kind } = fieldsOf(item);
  return typeof kind === 'string' ? ` (${kind.slice(0, 60)})` : '';
}

/**
 * Why retrying the error of an unreadable item is refused. There is nothing to run: the item did
 * not match any kind of work this version knows, and running a guess could repeat or garble an
 * effect. So the answer names the item and what is wrong with it, says it is kept as it is, and
 * what the merchant can do instead.
 */
export function unreadableRetryRefusal(id: string, unreadable: readonly UnreadableWork[]): string {
  const found = unreadable.find((u) => unreadableId(u.item) === id);
  if (!found) {
    return `Queued work ${id} can't be retried: it is no longer among the unreadable items of queue.json (the file was restored or edited since). Dismiss this error.`;
  }
  return (
    `Queued work ${id}${unreadableKindLabel(found.item)} can't be retried: Backroom could not read it in queue.json (${found.problem}), so there is nothing it could run. ` +
    'It is kept as it is, under "unreadable" in queue.json. If that work still matters, restore queue.json from the backups folder; otherwise dismiss this error.'
  );
}
