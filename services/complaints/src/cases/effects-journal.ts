import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { PeriodicJob } from '@crm/service-kit';
import { ComplaintsConfig } from '../complaints.config';
import { EffectsJournalRepository, type JournalPage } from './effects-journal.repository';

/** A replica's steps go under one page a minute. */
const PAGE_MS = 60_000;
/** A page is flushed no sooner than this after its minute, when nothing under it is owed. */
const FLUSH_AFTER_MS = 1000;

/** A step whose after-effects this replica owes from just before its insert. */
export interface EffectsDebt {
  readonly page: string;
  readonly caseId: string;
  readonly stepId: string;
  /** Set when the effects were applied, or when the step was not inserted (another's won). */
  settled: boolean;
}

/** Step ids grouped by their case, from (step, case) pairs. */
export function stepsByCase(steps: Iterable<readonly [string, string]>): Map<string, string[]> {
  const byCase = new Map<string, string[]>();
  for (const [stepId, caseId] of steps) byCase.set(caseId, [...(byCase.get(caseId) ?? []), stepId]);
  return byCase;
}

interface OpenPage {
  opened: Promise<void>;
  endsAt: number;
  /** Debts taken and not closed yet. */
  inFlight: number;
  /** Debts closed unsettled (the effects failed): step → case, retried by the recovery pass. */
  owed: Map<string, string>;
}

/**
 * Which steps' after-effects (`CaseEffects`) may have been left undone by a crash, journalled a
 * page per replica and minute instead of flagged on every step. A step names its page
 * (`effectsJournal`); the page is opened (inserted) before the first step goes under it and
 * held by its replica under a lease that the replica renews. What is in flight is counted here,
 * in memory: a page whose minute is over and under which nothing is owed is flushed (deleted).
 * A page whose lease ran out lost its replica: any replica's recovery pass takes it over and
 * applies every step under it again (each effect is idempotent), then flushes it.
 *
 * A flag on the step cost a write of the whole step after its effects, the dearest write of a
 * transition on the local store, and one that could write back what an erasure had rewritten.
 * A replica's pages are its own: no other replica writes them while their lease runs, and a
 * replica that finds its page taken over (it failed to renew in time) opens it again.
 */
@Injectable()
export class EffectsJournal extends PeriodicJob {
  /** This process, for as long as it runs: a restart holds new pages. */
  readonly holder = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly open = new Map<string, OpenPage>();
  /** Flushes under way: a page opened again meanwhile (a clean stop's) waits for its flush. */
  private readonly flushing = new Map<string, Promise<void>>();
  /** Other replicas' lapsed pages this one is applying again: renewed with its own. */
  private readonly takenOver = new Set<string>();

  constructor(
    private readonly pages: EffectsJournalRepository,
    private readonly config: ComplaintsConfig,
    protected readonly logger: PinoLogger,
  ) {
    super(Math.floor(config.COMPLAINTS_EFFECTS_LEASE_MS / 3), 'effects journal renewal');
    logger.setContext(EffectsJournal.name);
  }

  /**
   * Runs `work` (the step's insert and its effects) owing the step's effects from before the
   * insert: `work` settles the debt once nothing is owed; unsettled, it is retried here.
   */
  async owing<T>(
    caseId: string,
    stepId: string,
    work: (debt: EffectsDebt) => Promise<T>,
  ): Promise<T> {
    const debt = await this.owe(caseId, stepId);
    try {
      return await work(debt);
    } finally {
      this.close(debt);
    }
  }

  /** Takes the debt of a step about to be inserted; its page is open when this returns. */
  private async owe(caseId: string, stepId: string, now = Date.now()): Promise<EffectsDebt> {
    const start = now - (now % PAGE_MS);
    const id = `${this.holder}:${new Date(start).toISOString()}`;
    let page = this.open.get(id);
    if (!page) {
      const opening: OpenPage = {
        opened: (this.flushing.get(id) ?? Promise.resolve())
          .catch(() => undefined)
          .then(() => this.pages.open(id, this.holder, this.leaseFrom(now))),
        endsAt: start + PAGE_MS,
        inFlight: 0,
        owed: new Map(),
      };
      // A page that failed to open is opened again by the next step.
      opening.opened.catch(() => this.open.get(id) === opening && this.open.delete(id));
      this.open.set(id, (page = opening));
    }
    page.inFlight++;
    try {
      await page.opened;
    } catch (error) {
      page.inFlight--;
      throw error;
    }
    return { page: id, caseId, stepId, settled: false };
  }

  /** Ends a debt's flight: unsettled, it stays owed here until the recovery pass pays it. */
  private close(debt: EffectsDebt): void {
    const page = this.open.get(debt.page);
    if (!page) return;
    page.inFlight--;
    if (!debt.settled) page.owed.set(debt.stepId, debt.caseId);
  }

  /** What this replica still owes, by page and case. */
  owedHere(): { page: string; caseId: string; stepIds: string[] }[] {
    const owed: { page: string; caseId: string; stepIds: string[] }[] = [];
    for (const [page, { owed: steps }] of this.open)
      for (const [caseId, stepIds] of stepsByCase(steps)) owed.push({ page, caseId, stepIds });
    return owed;
  }

  /** The recovery pass applied these steps' effects. */
  paid(page: string, stepIds: string[]): void {
    for (const stepId of stepIds) this.open.get(page)?.owed.delete(stepId);
  }

  /** Pages whose holder stopped renewing them: theirs to take over. */
  async lapsed(now = Date.now()): Promise<JournalPage[]> {
    return (await this.pages.pages()).filter(
      (page) => page.holder !== this.holder && page.leaseUntil.getTime() < now,
    );
  }

  /** Holds a lapsed page (renewed by this journal's rounds) while `applyAll`, then flushes it. */
  async takeOver(page: JournalPage, applyAll: () => Promise<void>): Promise<void> {
    await this.pages.take(page._id, this.holder, this.leaseFrom(Date.now()));
    this.takenOver.add(page._id);
    try {
      await applyAll();
    } finally {
      this.takenOver.delete(page._id);
    }
    await this.pages.flush(page._id, this.holder);
  }

  /**
   * On a clean stop, pages under which nothing is owed go at once, so that no other replica
   * applies their steps again after the lease. A step still taken after this opens its page again.
   */
  override async onModuleDestroy(): Promise<void> {
    await super.onModuleDestroy();
    await this.flushSettled(Number.POSITIVE_INFINITY);
  }

  protected runRound(): Promise<void> {
    return this.renewAndFlush();
  }

  /** Renews this replica's pages, and flushes its own whose steps are all applied. */
  async renewAndFlush(now = Date.now()): Promise<void> {
    await this.flushSettled(now);
    // A takeover that lost its page meanwhile only means the page's steps are applied twice.
    for (const id of this.takenOver) await this.pages.renew(id, this.holder, this.leaseFrom(now));
    for (const id of this.open.keys()) {
      if (!(await this.pages.renew(id, this.holder, this.leaseFrom(now)))) {
        // Taken over (and maybe flushed) while this replica was slow to renew: a step inserted
        // under it since the takeover's read is still owed, so the page is this replica's again.
        this.logger.warn({ page: id }, 'effects journal page was taken over; holding it again');
        await this.pages.open(id, this.holder, this.leaseFrom(now));
      }
    }
  }

  /** Flushes the pages whose minute ended before `now` and under which nothing is owed. */
  private async flushSettled(now: number): Promise<void> {
    for (const [id, page] of this.open) {
      if (now >= page.endsAt + FLUSH_AFTER_MS && page.inFlight === 0 && page.owed.size === 0) {
        this.open.delete(id);
        const flush = this.pages.flush(id, this.holder);
        this.flushing.set(id, flush);
        try {
          await flush;
        } finally {
          this.flushing.delete(id);
        }
      }
    }
  }

  private leaseFrom(now: number): Date {
    return new Date(now + this.config.COMPLAINTS_EFFECTS_LEASE_MS);
  }
}
