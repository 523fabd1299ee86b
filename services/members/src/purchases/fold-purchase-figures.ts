import { Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Producer } from 'kafkajs';
import { PinoLogger } from 'nestjs-pino';
import { failpoint } from '@crm/config';
import { MEMBER_UPDATED, type MemberUpdatedPayload, Topics } from '@crm/contracts';
import { eventIdFor, forEachConcurrently, newEnvelope, sendEvents } from '@crm/messaging';
import { inSpan } from '@crm/observability';
import { InjectProducer } from '@crm/service-kit';
import { MemberRepository } from '../members/member.repository';
import { addTallies, type Tally } from './purchase-stats';
import { type FoldState, PurchaseTallyRepository } from './purchase-tallies.repository';

/** Member writes in flight at once: overlaps round trips without swamping a 2-core store. */
const MEMBER_WRITES_IN_FLIGHT = 8;
/** Most run tallies folded in one window: bounds the window's memory and its redo after a crash. */
const TALLIES_PER_WINDOW = 50;
const IDLE_POLL_MS = 250;

/**
 * Folds the POS runs' tallies into the member documents. A window takes the partition's
 * pending tallies, adds them up per member and writes each member once, guarded by the
 * offset the window reaches (`stats.countedThrough.p<partition>`): a window redone after a
 * crash skips the members it already counted. So the member writes per sale shrink as the
 * stream gets busier, which is what lets ingestion run at the store's insert rate; the
 * figures trail the purchases by one window.
 */
@Injectable()
export class FoldPurchaseFigures implements OnApplicationBootstrap, OnModuleDestroy {
  private running = false;
  private wake?: () => void;
  private loop?: Promise<void>;

  constructor(
    private readonly tallies: PurchaseTallyRepository,
    private readonly members: MemberRepository,
    @InjectProducer() private readonly producer: Producer,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(FoldPurchaseFigures.name);
  }

  onApplicationBootstrap(): void {
    this.running = true;
    this.loop = this.run();
  }

  async onModuleDestroy(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  /** Called when a run was recorded, so it is folded now rather than on the next poll. */
  nudge(): void {
    this.wake?.();
  }

  /** Folds every partition's pending tallies once; returns how many members were written. */
  async foldOnce(): Promise<number> {
    let written = 0;
    for (const state of await this.tallies.allStates()) written += await this.foldPartition(state);
    return written;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let written = 0;
      try {
        written = await this.foldOnce();
      } catch (error) {
        this.logger.warn({ err: error }, 'purchase figures fold failed; will retry');
      }
      if (written === 0 && this.running)
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, IDLE_POLL_MS);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
    }
  }

  private async foldPartition(state: FoldState): Promise<number> {
    const window = state.window ?? (await this.openWindow(state));
    if (!window) return 0;
    return inSpan('members.purchases.fold', async () => {
      const runs = await this.tallies.byIds(window.tallyIds);
      const byMember = new Map<string, Tally>();
      for (const run of runs)
        for (const { memberId, tally } of run.members) {
          const before = byMember.get(memberId);
          byMember.set(memberId, before ? addTallies(before, tally) : tally);
        }
      await forEachConcurrently(
        [...byMember],
        MEMBER_WRITES_IN_FLIGHT,
        async ([memberId, tally]) => {
          await this.members.countTally(memberId, state.partition, window.to, tally);
          failpoint('members.fold.member-counted'); // the window open, part of its members counted
        },
      );
      // The segment index (every replica's) re-reads members it hears about.
      const updatedAt = new Date().toISOString();
      await sendEvents(
        this.producer,
        [...byMember.keys()].map((memberId) => ({
          topic: Topics.membersEvents,
          envelope: newEnvelope<MemberUpdatedPayload>({
            id: eventIdFor('figures', memberId, `p${state.partition}`, String(window.to)),
            type: MEMBER_UPDATED,
            source: 'members',
            key: memberId,
            payload: { memberId, fields: ['purchaseSummary'], updatedAt },
          }),
        })),
      );
      await this.tallies.closeWindow(state.partition, window);
      this.logger.info(
        {
          partition: state.partition,
          through: window.to,
          runs: runs.length,
          members: byMember.size,
        },
        'purchase figures folded',
      );
      return byMember.size;
    });
  }

  private async openWindow(state: FoldState): Promise<FoldState['window']> {
    const pending = (await this.tallies.pending(state.partition, state.foldedThrough)).slice(
      0,
      TALLIES_PER_WINDOW,
    );
    if (pending.length === 0) return null;
    return this.tallies.openWindow(state.partition, {
      to: pending.at(-1)!.to,
      tallyIds: pending.map((tally) => tally._id),
    });
  }
}
