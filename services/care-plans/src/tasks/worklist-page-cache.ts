import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import type { Connection, mongo } from 'mongoose';
import { forEachConcurrently, insertOnce } from '@crm/messaging';
import { dbSpan } from '@crm/observability';
import { InjectMongo } from '@crm/service-kit';
import { firstRowsUntil, type FirstPage } from './worklist-first-page';

const LEASES = 'worklist_page_leases';
const PAGES = 'worklist_first_pages';
/**
 * A kept page is answered for this long at the most: what a crash between a task's write and
 * the invalidation after it leaves wrong is wrong no longer than this (plus the clocks' gap).
 */
export const KEPT_FOR_MS = 60_000;
/** A lease not filled after this was left by a reader that died or failed: the next takes over. */
export const FILL_WITHIN_MS = 10_000;
/**
 * How long a reader that found another's lease waits for its rows before walking itself (a
 * walk's time or so), and how often it looks: without it every request arriving during a refill
 * walks too, and under steady writes the walks feed each other.
 */
export const AWAIT_FILL_MS = 300;
const AWAIT_FILL_EVERY_MS = 25;
/** Invalidations in flight at once (the local store queues many poorly). */
const IN_FLIGHT = 8;

/**
 * One per list: who is filling its kept page (`token`), and once filled, up to when a task's
 * due time can change it (`until`; none: any write can). Writers delete it; readers trust a
 * kept page only while its lease stands.
 */
interface LeaseDocument {
  _id: string;
  token: string;
  at: Date;
  filled?: true;
  until?: Date;
}

/** The kept first page of a list, written by the holder of `token`. */
interface PageDocument {
  _id: string;
  token: string;
  /** The rows as answered, in one string: the local store decodes a document value by value. */
  rows: string;
  complete: boolean;
}

/** A change to a list at a due time (none: anywhere in the list). */
export interface ListChange {
  list: string;
  dueAt?: Date;
}

/**
 * A cache of each worklist's first page, in the store so that every replica answers and
 * invalidates the same one: a page is one read of one document instead of the walk's buckets of
 * whole tasks (the local store decodes every value of every task it reads, which is what the
 * worklist's CPU went to).
 *
 * Correct when every write to a live task is followed by `invalidate` of its list at its due
 * time: a reader takes the lease (an insert) before it walks, and marks it filled only while
 * its own lease is still there (an update matched on the token); a write after the lease was
 * taken deletes it, filled or not, unless its task is due after the page's last row. So a page
 * is only answered when no write that could change it came after its walk began. A crash
 * between a write and its invalidation is bounded by KEPT_FOR_MS.
 *
 * On the local store an update is a read then a write-back, so a filler whose lease was deleted
 * and taken by another reader between the two can mark the other's lease filled with its own
 * token; its rows are then answered until the other's rows replace them (the token must match),
 * a walk's time. Real MongoDB has no such window.
 */
@Injectable()
export class WorklistPageCache {
  readonly leases: mongo.Collection<LeaseDocument>;
  readonly pages: mongo.Collection<PageDocument>;

  constructor(@InjectMongo() connection: Connection) {
    this.leases = connection.db!.collection<LeaseDocument>(LEASES);
    this.pages = connection.db!.collection<PageDocument>(PAGES);
  }

  /** The list's kept first page, if filled under a lease that still stands and is not too old. */
  async read(list: string, now: Date): Promise<FirstPage | null> {
    const [lease, page] = await Promise.all([
      dbSpan(LEASES, 'find', () => this.leases.findOne({ _id: list })),
      dbSpan(PAGES, 'find', () => this.pages.findOne({ _id: list })),
    ]);
    if (!lease?.filled || !page || page.token !== lease.token) return null;
    if (lease.at.getTime() <= now.getTime() - KEPT_FOR_MS) return null;
    return { rows: JSON.parse(page.rows) as FirstPage['rows'], complete: page.complete };
  }

  /**
   * Takes the lease to fill the list's page (before its walk), answering its token; null while
   * another reader holds a fresh one or a filled page stands.
   */
  async lease(list: string, now: Date): Promise<string | null> {
    const token = randomUUID();
    const take = () =>
      insertOnce(() =>
        dbSpan(LEASES, 'insert', () => this.leases.insertOne({ _id: list, token, at: now })),
      );
    if (await take()) return token;
    const held = await dbSpan(LEASES, 'find', () => this.leases.findOne({ _id: list }));
    if (held) {
      const age = now.getTime() - held.at.getTime();
      if (age < (held.filled ? KEPT_FOR_MS : FILL_WITHIN_MS)) return null;
      await dbSpan(LEASES, 'delete', () => this.leases.deleteOne({ _id: list, token: held.token }));
    }
    return (await take()) ? token : null;
  }

  /**
   * The rows another reader is walking under its lease, once it keeps them (null if it does not
   * within AWAIT_FILL_MS). They answer this request too: they hold every write before that lease
   * was taken, and `read` trusts them only while no write since has dropped it.
   */
  async awaitFill(list: string): Promise<FirstPage | null> {
    const until = Date.now() + AWAIT_FILL_MS;
    while (Date.now() < until) {
      await sleep(AWAIT_FILL_EVERY_MS);
      const kept = await this.read(list, new Date());
      if (kept) return kept;
    }
    return null;
  }

  /** Keeps the page walked under `token`, if the lease is still that one. */
  async fill(list: string, token: string, page: FirstPage): Promise<boolean> {
    await dbSpan(PAGES, 'replace', () =>
      this.pages.replaceOne(
        { _id: list },
        { token, rows: JSON.stringify(page.rows), complete: page.complete },
        { upsert: true },
      ),
    );
    const until = firstRowsUntil(page);
    const filled = await dbSpan(LEASES, 'update', () =>
      this.leases.updateOne(
        { _id: list, token },
        { $set: { filled: true, ...(until ? { until } : {}) } },
      ),
    );
    return filled.matchedCount === 1;
  }

  /**
   * Drops the kept pages the changes may touch: each list's lease unless its page ends before
   * the earliest change. Call after the write, every time (a redelivered write too).
   */
  async invalidate(changes: readonly ListChange[]): Promise<void> {
    await forEachConcurrently([...earliestByList(changes)], IN_FLIGHT, ([list, dueAt]) =>
      dbSpan(LEASES, 'delete', () =>
        this.leases.deleteOne(
          dueAt
            ? { _id: list, $or: [{ until: { $exists: false } }, { until: { $gte: dueAt } }] }
            : { _id: list },
        ),
      ),
    );
  }
}

/** Each list once, at its earliest change (none if any change names no due time). */
export function earliestByList(changes: readonly ListChange[]): Map<string, Date | undefined> {
  const earliest = new Map<string, Date | undefined>();
  for (const { list, dueAt } of changes) {
    if (!earliest.has(list)) {
      earliest.set(list, dueAt);
      continue;
    }
    const known = earliest.get(list);
    earliest.set(list, known && dueAt ? (known < dueAt ? known : dueAt) : undefined);
  }
  return earliest;
}
