import { z } from 'zod';
import { QueuedWork, UnreadableWork } from '../model/work';

/** Words for the first thing wrong with a value, as the other files of the data folder give them. */
function problemOf(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): string {
  const issue = error.issues[0];
  if (!issue) return 'it does not match any kind of queued work';
  return `field ${issue.path.map(String).join('.') || '(root)'} ${issue.message}`;
}

/**
 * Sorts the items of a queue.json as read from disk: those this version can read stay in `items`,
 * each other one moves to `unreadable` as it was, with the reason. One damaged or unknown item (a
 * newer version's kind, a hand edit) must neither stop the engine from opening the folder nor be
 * dropped: it is kept in the file and reported, and the rest of the queue runs. Anything that is not
 * a list of items is left for the file's own validation to refuse.
 */
export function sortQueueItems(data: unknown): unknown {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return data;
  const fields: Record<string, unknown> = Object.fromEntries(Object.entries(data));
  const earlier = z.array(UnreadableWork).safeParse(fields.unreadable ?? []);
  if (!Array.isArray(fields.items) || !earlier.success) return data;
  const unreadable = [...earlier.data];
  const items: QueuedWork[] = [];
  for (const raw of fields.items) {
    const parsed = QueuedWork.safeParse(raw);
    if (parsed.success) items.push(parsed.data);
    else unreadable.push({ item: raw, problem: problemOf(parsed.error) });
  }
  // The file keeps the shape earlier versions wrote unless something had to be set aside.
  return { ...fields, items, ...(unreadable.length ? { unreadable } : {}) };
}
