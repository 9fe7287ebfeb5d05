import { describe, expect, it } from 'vitest';
import { addedKey, tagsAddedBefore } from './crm-added';
import { ledgerKey } from './crm';
import type { TagEvent } from './crm-events';

describe('tags Backroom already added, read from the ledger', () => {
  it('names the adds of one CRM by contact and tag, case-insensitively, and nothing else', () => {
    const event: TagEvent = { key: 'rule:abc|order:Main#1', email: 'ann@example.com', contact: {}, apply: [], remove: [], fromCart: false };
    const ledger = {
      [ledgerKey(event, 'AC', 'Customer', 'add')]: '2026-01-01T00:00:00Z',
      [ledgerKey(event, 'AC', 'Loyal', 'remove')]: '2026-01-01T00:00:00Z',
      [ledgerKey(event, 'MC', 'Mug buyer', 'add')]: '2026-01-01T00:00:00Z',
      'ship:Main#1': '2026-01-01T00:00:00Z',
    };
    const added = tagsAddedBefore(Object.keys(ledger), 'AC');
    expect([...added]).toEqual([addedKey('ann@example.com', 'Customer')]);
    expect(added.has(addedKey(' ANN@example.com', 'customer '))).toBe(true);
  });
});
