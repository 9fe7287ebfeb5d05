// The contract for the repository members the order, shipping and return jobs need (their block at
// the end of core/store/repositories.ts), run on every implementation by repositoryContract
// (contract.ts): returns and shop refunds booked by key, read by key and by order, durable with the
// units they put back.
import { describe, expect, it } from 'vitest';
import type { BookedReturn } from '../../core/store/stock-extras';
import type { StockReason } from '../../core/store/repositories';
import type { ContractFactory } from './contract-subject';

const AT = '2026-11-02T10:00:00.000Z';
const why: StockReason = { at: AT, cause: 'return', ref: 'WO:1' };
const booked = (order: string, sku: string, quantity: number): BookedReturn => ({ order, at: AT, location: 'Warehouse', lines: [{ sku, quantity }] });

export function orderJobsContract(factory: ContractFactory): void {
  describe(`repository contract, the order jobs' members: ${factory.name}`, () => {
    it('keeps booked returns by key, reads them back by key and by order after reopening, and a key again replaces', async () => {
      const subject = await factory.create();
      const first = await subject.open();
      expect(await first.repos.stock.bookedReturn('return:R1')).toBeUndefined();
      expect(await first.repos.stock.returnsOf('WO:1')).toEqual({});
      await first.repos.write(async (w) => {
        await w.stock.bookReturn('return:R1', booked('WO:1', 'MUG', 1));
        await w.stock.bookReturn('refund:Main#77', booked('WO:1', 'TEE-M', 2));
        await w.stock.bookReturn('return:R2', booked('WO:2', 'MUG', 1));
        // Reads through the unit's writers see its own writes.
        expect(await w.stock.bookedReturn('refund:Main#77')).toEqual(booked('WO:1', 'TEE-M', 2));
      });
      await first.close();
      const { repos, close } = await subject.open();
      try {
        expect(await repos.stock.bookedReturn('return:R1')).toEqual(booked('WO:1', 'MUG', 1));
        expect(await repos.stock.returnsOf('WO:1')).toEqual({ 'return:R1': booked('WO:1', 'MUG', 1), 'refund:Main#77': booked('WO:1', 'TEE-M', 2) });
        expect(await repos.stock.returnsOf('WO:3')).toEqual({});
        await repos.write((w) => w.stock.bookReturn('return:R1', booked('WO:1', 'MUG', 3)));
        expect((await repos.stock.bookedReturn('return:R1'))?.lines).toEqual([{ sku: 'MUG', quantity: 3 }]);
        // Copies: changing what was read changes nothing kept.
        (await repos.stock.returnsOf('WO:2'))['return:R2']!.lines[0]!.quantity = 99;
        expect((await repos.stock.bookedReturn('return:R2'))?.lines).toEqual([{ sku: 'MUG', quantity: 1 }]);
      } finally {
        await close();
      }
    });

    it('a booking and the units it puts back are durable together: a crash leaves both or neither', async () => {
      const subject = await factory.create();
      const openers = await subject.crashStates(async (repos) => {
        await repos.write(async (w) => {
          await w.stock.setOnHand('MUG', 'Warehouse', 1, why);
          await w.stock.bookReturn('return:R1', booked('WO:1', 'MUG', 1));
        });
      });
      expect(openers.length).toBeGreaterThanOrEqual(2);
      const seen = new Set<string>();
      for (const reopen of openers) {
        const { repos, close } = await reopen();
        const onHand = (await repos.stock.item('MUG'))?.onHand.Warehouse ?? 0;
        const booking = await repos.stock.bookedReturn('return:R1');
        await close();
        expect(booking ? 1 : 0, 'the booking is on disk exactly when its units are').toBe(onHand);
        seen.add(String(onHand));
      }
      expect([...seen].sort(), 'the states run from before the unit to after it').toEqual(['0', '1']);
    });
  });
}
