import { Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { PinoLogger } from 'nestjs-pino';
import { failpoint } from '@crm/config';
import {
  type AppError,
  CAMPAIGN_FINISHED,
  type CampaignFinishedPayload,
  ErrorCode,
  type SendNotificationCommand,
  Topics,
} from '@crm/contracts';
import { forEachConcurrently, newEnvelope, type RpcActor, withOutbox } from '@crm/messaging';
import { DeliveryScheduler } from '../delivery/delivery-scheduler';
import { SlotPools } from '../do-not-disturb/slot-pools';
import { NotificationsConfig } from '../notifications.config';
import { type CampaignSend, SendNotification } from '../sending/send-notification.handler';
import { CampaignLease } from './campaign-lease';
import { CampaignOutbox } from './campaign-outbox';
import { countsOf } from './campaign-progress';
import {
  type CampaignDocument,
  type CampaignPageDocument,
  campaignCause,
  markId,
  pageId,
} from './campaign.document';
import { CampaignsRepository } from './campaigns.repository';
import { SegmentDirectory } from './segment-directory';

/** Campaigns one replica runs at once; more wait for the next pass (or another replica). */
const MAX_RUNNING = 4;
/** The longest a campaign waits for delivery to make room before deciding its next batch. */
const ROOM_WAIT_MS = 5000;
/** How often a running campaign looks for a cancellation between sends. */
const CANCEL_CHECK_MS = 500;
/** Refusals of the segment that no retry changes: the campaign stops with the reason. */
const PERMANENT = new Set<string>([
  ErrorCode.NOT_FOUND,
  ErrorCode.SEGMENT_HEALTH_CRITERIA_FORBIDDEN,
  ErrorCode.ACCESS_OTHER_STORE,
  ErrorCode.VALIDATION_FAILED,
]);

type Stop = 'stopping' | 'lease-lost' | 'cancelled';

/** Why a cancelled campaign's unsent messages are skipped. */
const CANCELLED = 'campaign-cancelled';

/**
 * Runs campaigns in the background. Every replica looks for open campaigns that are due
 * (`campaigns_open`) every CAMPAIGN_POLL_MS, and at once when one is made or cancelled on it; a
 * campaign is run by the one replica holding its lease (CampaignLease), renewed while it runs.
 *
 * A run: the segment's members are read page by page and each page stored once (the recipients
 * are fixed when the campaign starts); then each stored page is handed to the send path, one
 * `SendNotification.execute` per member with the cause `campaign:<campaign>:<member>` (the
 * message id derives from it and is inserted once, so however often a page is run again — a
 * crash, a takeover — a member gets at most one message), CAMPAIGN_SEND_BATCH at a time and at
 * most `perSecond`, each batch once delivery has room for it (its queued messages are handed
 * to this replica's delivery: DeliveryScheduler.handOver). A page is marked dispatched once all
 * its members are decided; a restart resumes at the first page not marked. Once all are, and no message of the campaign is still
 * pending or queued for delivery, the campaign is done: its `finished` mark is inserted once,
 * with `campaign.finished` in its outbox. A cancellation stops new sends at once, skips the
 * campaign's messages still waiting for quiet hours to end (delivery skips the queued ones),
 * and finishes the campaign as `cancelled`. Progress is never counted here: it is read from
 * the messages (CampaignsRepository.statusCounts), so it is exact after any crash.
 */
@Injectable()
export class CampaignRunner implements OnApplicationBootstrap, OnModuleDestroy {
  readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly running = new Map<string, Promise<void>>();
  private stopping = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private nudged = false;

  constructor(
    private readonly store: CampaignsRepository,
    private readonly segments: SegmentDirectory,
    private readonly send: SendNotification,
    private readonly outbox: CampaignOutbox,
    private readonly slots: SlotPools,
    private readonly delivery: DeliveryScheduler,
    private readonly config: NotificationsConfig,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext('CampaignRunner');
  }

  onApplicationBootstrap(): void {
    this.loop = this.run();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
    await Promise.allSettled(this.running.values());
  }

  /** A campaign was made or cancelled here: look now rather than at the next poll. */
  nudge(): void {
    this.nudged = true;
    this.wake?.();
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      this.nudged = false;
      try {
        await this.pass();
      } catch (error) {
        this.logger.warn({ err: error }, 'campaign pass failed; trying again');
      }
      if (this.stopping) break;
      if (this.nudged) continue;
      await Promise.race([
        sleep(this.config.CAMPAIGN_POLL_MS),
        new Promise<void>((resolve) => (this.wake = resolve)),
      ]);
      this.wake = undefined;
    }
  }

  /** Takes up the due campaigns no live replica holds. */
  async pass(): Promise<void> {
    const now = new Date();
    for (const open of await this.store.dueOpen(now, 50)) {
      if (this.stopping || this.running.size >= MAX_RUNNING) return;
      if (this.running.has(open._id)) continue;
      const campaign = await this.store.find(open._id);
      if (!campaign) {
        // Its creation stopped between the marker and the campaign: nothing to run.
        if (now.getTime() - open.createdAt.getTime() > 60_000) await this.store.close(open._id);
        continue;
      }
      const lease = new CampaignLease(
        this.store,
        campaign._id,
        this.owner,
        this.config.CAMPAIGN_LEASE_MS,
        this.logger.logger,
      );
      if (!(await lease.take())) continue;
      const run = this.runCampaign(campaign, lease)
        .catch((error: unknown) =>
          this.logger.warn(
            { err: error, campaignId: campaign._id },
            'campaign run stopped by an error; the next pass resumes it',
          ),
        )
        .finally(() => {
          this.running.delete(campaign._id);
          void lease.release();
          if (!this.stopping) this.nudge();
        });
      this.running.set(campaign._id, run);
    }
  }

  private async runCampaign(campaign: CampaignDocument, lease: CampaignLease): Promise<void> {
    const id = campaign._id;
    if (await this.store.findMark('finished', id)) return this.store.close(id);
    // Cancelled before it started (a scheduled campaign): nothing to read or send.
    if (!(await this.store.findMark('started', id)) && (await this.store.findMark('cancelled', id)))
      return this.finish(campaign, 'cancelled');
    await this.store.insertMark({
      _id: markId('started', id),
      campaignId: id,
      kind: 'started',
      at: new Date(),
    });
    this.logger.info({ campaignId: id, owner: this.owner }, 'campaign running');
    const stop = this.stopWatch(id, lease);

    const resolved = await this.resolve(campaign, stop);
    if (resolved === 'failed') return;
    let outcome: Stop | null = typeof resolved === 'string' ? resolved : null;
    if (!outcome) {
      const throttle = new Throttle(campaign.perSecond);
      for (const page of await this.store.pagesOf(id)) {
        if (page.dispatchedAt) continue;
        outcome = await this.dispatch(campaign, page, stop, throttle);
        if (outcome) break;
      }
    }
    if (outcome === 'stopping' || outcome === 'lease-lost') return this.stopped(id, outcome, lease);
    if (outcome === 'cancelled') await this.skipUnsent(id);
    // Done dispatching (or cancelled): wait until delivery has taken or refused what is queued.
    for (;;) {
      const held = await stop.check(true);
      if (held === 'stopping' || held === 'lease-lost') return this.stopped(id, held, lease);
      if (held === 'cancelled' && outcome !== 'cancelled') {
        outcome = 'cancelled';
        await this.skipUnsent(id);
      }
      if ((await this.store.inFlight(id)) === 0) break;
      await sleep(Math.min(1000, this.config.CAMPAIGN_POLL_MS));
    }
    await this.finish(campaign, outcome === 'cancelled' ? 'cancelled' : 'done');
  }

  /**
   * Reads the segment's members into stored pages, from the last stored page on. Returns the
   * total, a reason to stop, or 'failed' when the segment refused for good (the campaign is
   * finished as cancelled, with the reason in the log and its `finished` mark).
   */
  private async resolve(
    campaign: CampaignDocument,
    stop: StopWatch,
  ): Promise<number | Stop | 'failed'> {
    const id = campaign._id;
    const resolved = await this.store.findMark('resolved', id);
    if (resolved) return resolved.total!;
    const actor: RpcActor = {
      sub: campaign.requestedBy.sub,
      roles: campaign.requestedBy.roles,
      ...(campaign.requestedBy.storeId ? { storeId: campaign.requestedBy.storeId } : {}),
    };
    const last = await this.store.lastPage(id);
    let n = last ? last.n + 1 : 0;
    let after = last?.next ?? null;
    let more = !last || last.next !== null;
    let failures = 0;
    while (more) {
      const halt = await stop.check();
      if (halt) return halt;
      let page;
      try {
        page = await this.segments.page(
          campaign.segmentId,
          after,
          this.config.CAMPAIGN_PAGE_SIZE,
          actor,
        );
      } catch (error) {
        const code = (error as AppError)?.code;
        if (PERMANENT.has(code)) {
          this.logger.warn({ campaignId: id, code }, 'the segment refused the campaign; it stops');
          await this.finish(campaign, 'cancelled', `segment refused: ${code}`);
          return 'failed';
        }
        failures++;
        this.logger.warn({ err: error, campaignId: id }, 'reading the segment failed; retrying');
        await sleep(Math.min(10_000, 500 * 2 ** Math.min(failures, 5)));
        continue;
      }
      failures = 0;
      await this.store.insertPage({
        _id: pageId(id, n),
        campaignId: id,
        n,
        memberIds: page.memberIds,
        size: page.memberIds.length,
        next: page.next,
      });
      after = page.next;
      more = page.next !== null;
      n++;
    }
    const pages = await this.store.pagesOf(id, false);
    const total = pages.reduce((sum, p) => sum + p.size, 0);
    await this.store.insertMark({
      _id: markId('resolved', id),
      campaignId: id,
      kind: 'resolved',
      at: new Date(),
      total,
      pages: pages.length,
    });
    this.logger.info({ campaignId: id, total, pages: pages.length }, 'campaign recipients read');
    return total;
  }

  /**
   * Hands one page's members to the send path. Members whose send failed (the members service
   * did not answer, …) are tried again after a pause until they are decided; the page is marked
   * only then. Returns a reason to stop, or null when the page is done.
   */
  private async dispatch(
    campaign: CampaignDocument,
    page: CampaignPageDocument,
    stop: StopWatch,
    throttle: Throttle,
  ): Promise<Stop | null> {
    let todo = page.memberIds;
    const send = campaignSendOf(campaign);
    // A throttled campaign decides no more members at once than it may send in a second.
    const batchSize = Math.min(this.config.CAMPAIGN_SEND_BATCH, campaign.perSecond ?? Infinity);
    for (let round = 0; todo.length > 0; round++) {
      const failed: string[] = [];
      let lastError: unknown;
      for (let from = 0; from < todo.length; from += batchSize) {
        const halted = await stop.check();
        if (halted) return halted;
        const batch = todo.slice(from, from + batchSize);
        await throttle.take(batch.length);
        await this.delivery.room(ROOM_WAIT_MS);
        const answers = await this.send
          .executeMany(
            batch.map((memberId) => commandFor(campaign, memberId)),
            send,
          )
          .catch((error: unknown) => batch.map(() => error));
        answers.forEach((answer, k) => {
          if (answer instanceof Error || !('messageId' in (answer as object))) {
            failed.push(batch[k]!);
            lastError = answer;
          } else failpoint('notifications.campaign.sent');
        });
      }
      if (failed.length > 0) {
        this.logger.warn(
          { err: lastError, campaignId: campaign._id, page: page.n, failed: failed.length },
          'some sends of the page failed; trying them again',
        );
        await sleep(Math.min(10_000, 500 * 2 ** Math.min(round, 5)));
      }
      todo = failed;
    }
    await this.store.pageDispatched(page._id, new Date());
    failpoint('notifications.campaign.page-sent');
    return null;
  }

  /**
   * A cancelled campaign's messages not yet at a provider are skipped, and their cap and budget
   * slots given back: they never reached the member. After the skip, so only messages that are
   * certainly skipped give theirs back; a crash in between is made good when the next replica
   * finishes the cancellation (releasing twice deletes nothing the second time).
   */
  private async skipUnsent(campaignId: string): Promise<void> {
    await this.store.skipUnsent(campaignId, CANCELLED);
    const skipped = await this.store.skippedFor(campaignId, CANCELLED);
    await forEachConcurrently(skipped, 8, (messageId) => this.slots.release(messageId));
  }

  private async finish(
    campaign: CampaignDocument,
    outcome: 'done' | 'cancelled',
    reason?: string,
  ): Promise<void> {
    const id = campaign._id;
    const resolved = await this.store.findMark('resolved', id);
    let total = resolved?.total ?? null;
    if (total === null)
      total = (await this.store.pagesOf(id, false)).reduce((sum, p) => sum + p.size, 0);
    const counts = countsOf(await this.store.statusCounts(id), total);
    const at = new Date();
    const payload: CampaignFinishedPayload = {
      campaignId: id,
      outcome,
      purpose: campaign.purpose,
      channel: campaign.channel,
      total,
      sent: counts.sent,
      queued: counts.queued,
      deferred: counts.deferred,
      skipped: counts.skipped,
      failed: counts.failed,
      notSent: counts.remaining ?? 0,
      at: at.toISOString(),
    };
    const { campaignId: _c, outcome: _o, purpose: _p, channel: _ch, at: _a, ...totals } = payload;
    const inserted = await this.store.insertMark(
      withOutbox(
        {
          _id: markId('finished', id),
          campaignId: id,
          kind: 'finished' as const,
          at,
          outcome,
          totals,
          ...(reason ? { reason } : {}),
        },
        {
          topic: Topics.notificationsEvents,
          envelope: newEnvelope<CampaignFinishedPayload>({
            type: CAMPAIGN_FINISHED,
            source: 'notifications',
            key: id,
            id: `${CAMPAIGN_FINISHED}:${id}`,
            payload,
          }),
        },
      ),
    );
    if (inserted) this.outbox.nudge();
    await this.store.close(id);
    this.logger.info({ campaignId: id, outcome, ...totals }, 'campaign finished');
  }

  private stopped(campaignId: string, why: 'stopping' | 'lease-lost', lease: CampaignLease): void {
    this.logger.warn(
      { campaignId, why, lease: lease.lost ?? 'not renewed in time' },
      why === 'stopping'
        ? 'campaign paused: this replica stops; it resumes on the next one to take it'
        : 'campaign paused: its lease could not be kept; it resumes on the next replica to take it',
    );
  }

  private stopWatch(campaignId: string, lease: CampaignLease): StopWatch {
    let checkedAt = 0;
    let cancelled = false;
    return {
      check: async (fresh = false) => {
        if (this.stopping) return 'stopping';
        if (!lease.held) return 'lease-lost';
        if (!cancelled && (fresh || Date.now() - checkedAt >= CANCEL_CHECK_MS)) {
          checkedAt = Date.now();
          cancelled = !!(await this.store.findMark('cancelled', campaignId));
        }
        return cancelled ? 'cancelled' : null;
      },
    };
  }
}

interface StopWatch {
  /** Why the run should stop now, or null; a cancellation is looked up at most every 0.5 s. */
  check(fresh?: boolean): Promise<Stop | null>;
}

/** The send command of a campaign's message to one member. */
export function commandFor(campaign: CampaignDocument, memberId: string): SendNotificationCommand {
  return {
    cause: campaignCause(campaign._id, memberId),
    memberId,
    purpose: campaign.purpose,
    channel: campaign.channel,
    ...(campaign.templateId ? { templateId: campaign.templateId } : {}),
    variables: campaign.variables,
  };
}

/** What the campaign adds to each send: its id, and its text per language (the member's picks). */
export function campaignSendOf(campaign: CampaignDocument): CampaignSend {
  return {
    campaignId: campaign._id,
    ...(campaign.templateId ? {} : { contentByLanguage: { ...campaign.content } }),
  };
}

/** The time a throttle reads and waits on (a test gives its own). */
export interface ThrottleClock {
  now(): number;
  wait(ms: number): Promise<unknown>;
}

const realClock: ThrottleClock = { now: () => Date.now(), wait: (ms) => sleep(ms) };

/** At most `perSecond` takes a second, spaced evenly; no limit when null. */
export class Throttle {
  private next = 0;

  constructor(
    private readonly perSecond: number | null,
    private readonly clock: ThrottleClock = realClock,
  ) {}

  /** Waits until `count` more takes are within the rate. */
  async take(count = 1): Promise<void> {
    if (!this.perSecond) return;
    const now = this.clock.now();
    const at = Math.max(now, this.next);
    this.next = at + (1000 * count) / this.perSecond;
    if (at > now) await this.clock.wait(at - now);
  }
}
