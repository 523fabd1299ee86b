import { Inject, Injectable } from '@nestjs/common';
import type { Producer } from 'kafkajs';
import { PinoLogger } from 'nestjs-pino';
import { forEachConcurrently, sendEvents } from '@crm/messaging';
import { InjectProducer, PeriodicJob } from '@crm/service-kit';
import { LoyaltyConfig } from '../loyalty.config';
import { LoyaltyOutbox } from '../loyalty-outbox';
import type { EarningSettings } from '../points/earning';
import { EARNING_SETTINGS } from '../points/earning-settings';
import { entryEvent } from '../points/points-event';
import { PointsLedger } from '../points/ledger/points-ledger.port';
import { PointsRepository } from '../points/ledger/points.repository';
import { RunJournal } from '../points/ledger/run-journal';
import { MemberTierRepository } from '../tiers/member-tier.repository';
import { countInRun, monthsInWindow, type TransactionSpend } from '../tiers/rolling-spend';

/** A run left open this long was left by a crash or a failure, not one in progress. */
const STALE_AFTER_MS = 30_000;
/** Written this soon after the last run: caught up, the store shows every effect. */
const SETTLE_WHEN_IDLE_MS = 1_000;
/** Past this many members waiting, a run waits for them to be written: bounds memory and replay. */
const MOST_UNSETTLED = 50_000;
/** Members written at once: overlap for the store's round trips. */
const WRITES_IN_FLIGHT = 8;
/**
 * Members written at once by the periodic flush (single entries: redemptions, bonuses, …):
 * few, so it does not crowd out the requests being answered meanwhile.
 */
const QUIET_WRITES_IN_FLIGHT = 2;

/**
 * When the accounts and tiers that runs of entries changed are written. A run's entries are on
 * file (and its events sent or queued) before its effects are kept in memory, so memory holds
 * nothing the ledger could not rebuild; each member's account and tier are then written once
 * for every run that touched it meanwhile: when loyalty has caught up with the purchases, every
 * POINTS_SETTLE_EVERY_MS while it is behind, and every 30 s for single entries (redemptions,
 * bonuses, …). FerretDB charges about 1.7 ms of CPU per document updated, so a member buying
 * twenty times a minute costs one write, not twenty. A run is marked applied once every member
 * it changed is written. A crash leaves runs open: they are finished at start (and any left by
 * a failure every 30 s) from their entries and the spend their document records, each share
 * once — an account lists the runs it holds, a tier the sales it counted.
 */
@Injectable()
export class RunSettlement extends PeriodicJob {
  /** Live runs → the members they changed that are not written yet. */
  private readonly membersLeft = new Map<string, Set<string>>();
  /** Members → the live runs waiting for them to be written (replaced, never mutated). */
  private readonly runsOf = new Map<string, readonly string[]>();
  private settling: Promise<void> = Promise.resolve();
  private idleTimer?: NodeJS.Timeout;
  /** When the oldest change not written yet was kept. */
  private oldestKept?: number;
  /** When the last run was tracked. */
  private lastTracked = 0;
  private started = false;
  /**
   * Settled once a crash's open runs are finished (the first flush that succeeds): until then
   * a balance or tier in the store may lack them, so no purchase is counted and no single
   * entry decided on it.
   */
  readonly recovered: Promise<void>;
  private markRecovered!: () => void;

  constructor(
    private readonly ledger: PointsLedger,
    private readonly repository: PointsRepository,
    private readonly journal: RunJournal,
    private readonly tiers: MemberTierRepository,
    private readonly outbox: LoyaltyOutbox,
    @InjectProducer() private readonly producer: Producer,
    @Inject(EARNING_SETTINGS) private readonly settings: EarningSettings,
    private readonly config: LoyaltyConfig,
    protected readonly logger: PinoLogger,
  ) {
    super(STALE_AFTER_MS, 'writing counted purchases');
    logger.setContext(RunSettlement.name);
    this.recovered = new Promise((resolve) => (this.markRecovered = resolve));
    ledger.writeAfter(this.recovered);
  }

  /**
   * A run whose effects on these members are kept in memory: it is applied once all are
   * written. Waits for a write of everything when too much has waited.
   */
  async track(runId: string, memberIds: Iterable<string>): Promise<void> {
    this.lastTracked = Date.now();
    if (!(await this.register(runId, memberIds))) return;
    this.oldestKept ??= Date.now();
    if (
      this.runsOf.size >= MOST_UNSETTLED ||
      Date.now() - this.oldestKept >= this.config.POINTS_SETTLE_EVERY_MS
    )
      return this.settle();
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(
      () => void this.settle().catch(this.logFailure),
      SETTLE_WHEN_IDLE_MS,
    );
    this.idleTimer.unref();
  }

  /** Records what a run waits for; false if nothing (it is marked applied at once). */
  private async register(runId: string, memberIds: Iterable<string>): Promise<boolean> {
    const members = new Set(memberIds);
    if (members.size === 0) {
      await this.journal.markApplied(runId);
      return false;
    }
    this.membersLeft.set(runId, members);
    for (const memberId of members)
      this.runsOf.set(memberId, [...(this.runsOf.get(memberId) ?? []), runId]);
    return true;
  }

  /**
   * Writes every account and tier runs changed, one flush at a time; the ledger's open run of single entries
   * is sealed first and waits for the flush too.
   */
  settle(inFlight = WRITES_IN_FLIGHT): Promise<void> {
    const round = this.settling.catch(() => undefined).then(() => this.settleAll(inFlight));
    this.settling = round;
    return round;
  }

  protected async runRound(): Promise<void> {
    // At start every open run is a dead process's; later, only those open for a while.
    const startedBefore = this.started ? new Date(Date.now() - STALE_AFTER_MS) : new Date();
    this.started = true;
    const finished = await this.finishOpenRuns(startedBefore);
    this.markRecovered();
    if (finished > 0) this.logger.warn({ runs: finished }, 'finished runs of entries left open');
    // Single entries (redemptions, bonuses, …) wait for a flush at most this long, as does
    // what a failed flush left once purchases stopped coming. While they come, their runs
    // start the flushes (every POINTS_SETTLE_EVERY_MS).
    const purchasesStopped = Date.now() - this.lastTracked > SETTLE_WHEN_IDLE_MS;
    if (this.ledger.hasOpenRun() || (this.runsOf.size > 0 && purchasesStopped))
      await this.settle(QUIET_WRITES_IN_FLIGHT);
  }

  override async onModuleDestroy(): Promise<void> {
    await super.onModuleDestroy();
    clearTimeout(this.idleTimer);
    // What is not written now is finished at the next start, from the open runs.
    await this.settle().catch(this.logFailure);
  }

  /**
   * Redoes the open runs' effects that are not written, oldest first: their entries' events
   * again (consumers absorb repeats by id), each account's share unless it lists the run, the
   * spend unless the tier counted the sale. Returns how many runs it finished.
   */
  async finishOpenRuns(startedBefore: Date): Promise<number> {
    const open = await this.journal.leftOpen(startedBefore);
    for (const run of open) {
      this.journal.adopt(run._id);
      try {
        const entries = await this.repository.entriesOfRun(run._id);
        await sendEvents(this.producer, entries.flatMap(entryEvent));
        const accounts = await this.ledger.applyRun(run._id, entries);
        const tiers = await this.recount(run.spend);
        await this.track(run._id, [...accounts, ...tiers]);
      } catch (error) {
        this.journal.abandon(run._id);
        throw error;
      }
    }
    if (open.length > 0) await this.settle();
    return open.length;
  }

  /** Counts a crashed run's spend into the books, each sale once; returns the members changed. */
  private recount(spend: TransactionSpend[]): Promise<string[]> {
    const memberIds = [...new Set(spend.map((s) => s.memberId))];
    return this.tiers.serializeAll(memberIds, async () => {
      const members = await this.tiers.booksInRun(memberIds);
      const now = new Date();
      const window = monthsInWindow(now, this.settings.utcOffsetMinutes);
      for (const one of spend) countInRun(members.get(one.memberId)!, one, window, now);
      return this.tiers.keepCounted(members);
    });
  }

  private async settleAll(inFlight: number): Promise<void> {
    clearTimeout(this.idleTimer);
    this.oldestKept = undefined;
    const sealed = await this.ledger.sealOpenRun();
    if (sealed) await this.register(sealed.runId, sealed.members);
    const members = new Set([
      ...this.runsOf.keys(),
      ...this.ledger.dirtyMembers(),
      ...this.tiers.unsettledMembers(),
    ]);
    await forEachConcurrently([...members], inFlight, (memberId) => this.settleMember(memberId));
    this.outbox.nudge(); // the tier changes' events
  }

  /** Writes one member's tier and account, then marks the runs it was the last wait of. */
  private async settleMember(memberId: string): Promise<void> {
    // Taken before the writes: these runs' effects are all in memory, so the writes hold them.
    const runs = this.runsOf.get(memberId) ?? [];
    await this.tiers.settle(memberId);
    if (!(await this.ledger.flush(memberId))) return; // the next flush
    const now = this.runsOf.get(memberId) ?? [];
    if (now.length > runs.length) this.runsOf.set(memberId, now.slice(runs.length));
    else this.runsOf.delete(memberId);
    for (const runId of runs) {
      const left = this.membersLeft.get(runId);
      left?.delete(memberId);
      if (left?.size !== 0) continue;
      this.membersLeft.delete(runId);
      await this.journal.markApplied(runId).catch((error: unknown) => {
        this.journal.abandon(runId); // finished later from the store, like a crash's
        throw error;
      });
    }
  }

  private readonly logFailure = (error: unknown) =>
    this.logger.warn({ err: error }, 'writing counted purchases failed; will retry');
}
