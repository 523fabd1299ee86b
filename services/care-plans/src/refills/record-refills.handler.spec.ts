import type { PurchaseRecordedPayload } from '@crm/contracts';
import { RecordRefills } from './record-refills.handler';
import type { RefillReminderDocument } from './refill-reminder.document';
import type { RefillRemindersRepository } from './refill-reminders.repository';

const DAY = 86_400_000;
const at = (day: number) => new Date(Date.UTC(2026, 10, 1) + day * DAY);

/** The store as the repository shows it: versions unique by `_id` and by `fill`. */
class MemoryReminders {
  readonly docs = new Map<string, RefillReminderDocument>();
  reads = 0;

  versionsOf(memberId: string, therapy: string) {
    this.reads++;
    return Promise.resolve(
      [...this.docs.values()].filter((d) => d.memberId === memberId && d.therapy === therapy),
    );
  }

  insertNew(docs: RefillReminderDocument[]) {
    const taken = new Set<number>();
    docs.forEach((doc, i) => {
      const fillTaken = [...this.docs.values()].some((d) => d.fill === doc.fill);
      if (this.docs.has(doc._id) || fillTaken) taken.add(i);
      else this.docs.set(doc._id, { ...doc });
    });
    return Promise.resolve(taken);
  }
}

function sale(tx: string, day: number, memberId = 'm1', daysSupply = 30): PurchaseRecordedPayload {
  return {
    transactionId: tx,
    type: 'sale',
    originalTransactionId: null,
    memberId,
    storeId: 'S001',
    occurredAt: at(day).toISOString(),
    totalCents: 100,
    items: [
      { sku: 'A', category: 'hypertension', quantity: 1, unitPriceCents: 100, daysSupply },
    ] as PurchaseRecordedPayload['items'],
  };
}

const refund = (tx: string, of: string, day: number): PurchaseRecordedPayload => ({
  ...sale(tx, day),
  type: 'refund',
  originalTransactionId: of,
});

function setup() {
  const store = new MemoryReminders();
  const refills = new RecordRefills(store as unknown as RefillRemindersRepository, 5);
  const versions = () => [...store.docs.values()].sort((a, b) => a.version - b.version);
  return { store, refills, versions };
}

describe('refill reminders applied a run at a time', () => {
  it('chains the sales of one run: the earlier versions are written superseded', async () => {
    const { refills, versions } = setup();
    await refills.forRun([sale('T1', 0), sale('T2', 20)]);
    expect(versions().map((v) => [v.version, v.status, v.supplyEndsAt])).toEqual([
      [1, 'superseded', at(30)],
      [2, 'open', at(60)],
    ]);
  });

  it('reads a chain once, then extends it from memory', async () => {
    const { store, refills, versions } = setup();
    await refills.forRun([sale('T1', 0)]);
    await refills.forRun([sale('T2', 20)]);
    await refills.forRun([sale('T3', 50)]);
    expect(store.reads).toBe(1);
    expect(versions().map((v) => v.supplyEndsAt)).toEqual([at(30), at(60), at(90)]);
  });

  it('a redelivered run, or a sale sent twice within one, adds no version', async () => {
    const { refills, versions } = setup();
    await refills.forRun([sale('T1', 0), sale('T1', 0), sale('T2', 20)]);
    await refills.forRun([sale('T1', 0), sale('T2', 20)]);
    expect(versions()).toHaveLength(2);
  });

  it('another consumer extended the chain: the run fails, and its retry reads the store', async () => {
    const first = setup();
    await first.refills.forRun([sale('T1', 0)]);
    // A rebalance let a second consumer apply T2 meanwhile.
    const other = new RecordRefills(first.store as unknown as RefillRemindersRepository, 5);
    await other.forRun([sale('T2', 20)]);
    await expect(first.refills.forRun([sale('T3', 50)])).rejects.toThrow(/another consumer/);
    await first.refills.forRun([sale('T3', 50)]);
    expect(first.versions().map((v) => [v.version, v.transactionId, v.supplyEndsAt])).toEqual([
      [1, 'T1', at(30)],
      [2, 'T2', at(60)],
      [3, 'T3', at(90)],
    ]);
  });

  it('a refund reads its chain from the store and shortens the supply', async () => {
    const { store, refills, versions } = setup();
    await refills.forRun([sale('T1', 0), sale('T2', 20)]);
    await refills.forRun([refund('R2', 'T2', 21)]);
    expect(store.reads).toBe(2);
    expect(versions().at(-1)).toMatchObject({ version: 3, days: -30, supplyEndsAt: at(30) });
  });

  describe('a refund that came before its sale', () => {
    it('moves nothing; the sale then supplies nothing and leaves no reminder', async () => {
      const { refills, versions } = setup();
      await refills.forRun([refund('R1', 'T1', 1)]);
      await refills.forRun([sale('T1', 0)]);
      await refills.forRun([sale('T1', 0)]); // redelivered
      expect(versions().map((v) => [v.transactionId, v.days, v.status, v.beforeSale])).toEqual([
        ['R1', -30, 'cancelled', true],
        ['T1', 30, 'cancelled', undefined],
      ]);
    });

    it('in one run, refund before sale: the same', async () => {
      const { refills, versions } = setup();
      await refills.forRun([refund('R1', 'T1', 1), sale('T1', 0)]);
      expect(versions().map((v) => v.status)).toEqual(['cancelled', 'cancelled']);
    });

    it('a partial refund first: the sale supplies only what was kept', async () => {
      const { refills, versions } = setup();
      await refills.forRun([{ ...refund('R1', 'T1', 1), items: sale('x', 0, 'm1', 10).items }]);
      await refills.forRun([sale('T1', 0)]);
      expect(versions().at(-1)).toMatchObject({ status: 'open', supplyEndsAt: at(20) });
    });

    it('with another supply in hand, the reminder in force stays as it was', async () => {
      const { refills, versions } = setup();
      await refills.forRun([sale('T0', 0)]);
      await refills.forRun([refund('R1', 'T1', 10)]);
      expect(versions().at(-1)).toMatchObject({ status: 'open', supplyEndsAt: at(30) });
      await refills.forRun([sale('T1', 9)]);
      expect(versions().at(-1)).toMatchObject({ status: 'open', supplyEndsAt: at(30) });
      // A process that reads the chain afresh (a restart) knows the refund came first too.
      const fresh = setup();
      for (const v of versions()) fresh.store.docs.set(v._id, v);
      const restarted = new RecordRefills(fresh.store as unknown as RefillRemindersRepository, 5);
      await restarted.forRun([sale('T1', 9)]);
      expect(fresh.versions()).toHaveLength(3);
    });
  });
});
