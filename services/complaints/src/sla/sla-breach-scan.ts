import { Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { StoredIdsCache } from '@crm/messaging';
import { PeriodicJob } from '@crm/service-kit';
import { AnalyticsRollupsRepository } from '../analytics/analytics-rollups.repository';
import { CaseEffects } from '../cases/case-effects';
import { CasesRepository, type CaseDocument } from '../cases/cases.repository';
import { ComplaintsClock } from '../clock/complaints-clock';
import { ComplaintsConfig } from '../complaints.config';
import { slaBreachedEvent, slaReminderEvent } from '../events/complaint-events';
import { ComplaintsOutbox } from '../events/complaints-outbox';
import { JobRoundsRepository } from '../jobs/job-rounds.repository';
import { keyedBucketsOf, keyedMarkersOf } from '../listing/listing-keys';
import { ListingMarkers } from '../listing/listing-markers.cache';
import type { SlaTargetName } from './case-sla';
import { escalationLevel, ESCALATION_LADDER } from './escalation';
import { type SlaBreachDocument, SlaBreachesRepository } from './sla-breaches.repository';
import { calendarOf, type SlaSettings, targetOf } from './sla-policy';
import { SlaSettingsRepository } from './sla-settings.repository';

/** Past this many, the claims known to exist are forgotten: memory stays bounded. */
const MOST_KNOWN_CLAIMS = 100_000;

/**
 * Reminds the assignee (or the store manager) once when a target is near, then finds open cases
 * past a due time and escalates each missed target a level at a time: the
 * store manager at the due time, the region after one more target's length of business time,
 * HQ after two. Each round (`SLA_SCAN_EVERY_MS` of wall-clock time) is scanned by the replica
 * that claims it (`sla-scan:<round>`); one that dies mid-scan leaves the rest to the next round.
 * Each escalation is claimed too, by inserting `breach:<case>:<target>:<level>` (with its
 * `sla.breached` event), so it happens once whoever scans.
 *
 * A case stays due until it is resolved, so every scan meets the claims of the scans before:
 * each replica remembers the claims it has seen stored (inserted, or refused as there) and does
 * not insert them again. Claims are never removed, so a remembered one is there; a replica that
 * starts knows none and tries each once.
 */
@Injectable()
export class SlaBreachScan extends PeriodicJob {
  private readonly knownClaims = new StoredIdsCache(MOST_KNOWN_CLAIMS);

  constructor(
    private readonly cases: CasesRepository,
    private readonly effects: CaseEffects,
    private readonly rollups: AnalyticsRollupsRepository,
    private readonly breaches: SlaBreachesRepository,
    private readonly slaSettings: SlaSettingsRepository,
    private readonly outbox: ComplaintsOutbox,
    private readonly listingMarkers: ListingMarkers,
    private readonly rounds: JobRoundsRepository,
    private readonly config: ComplaintsConfig,
    private readonly clock: ComplaintsClock,
    protected readonly logger: PinoLogger,
  ) {
    super(config.SLA_SCAN_EVERY_MS, 'SLA scan');
    logger.setContext(SlaBreachScan.name);
  }

  /** A round is scanned by the one replica that claims it: the others would only repeat it. */
  protected async runRound(): Promise<void> {
    const round = Math.floor(Date.now() / this.config.SLA_SCAN_EVERY_MS);
    if (await this.rounds.claim('sla-scan', round)) await this.runOnce();
  }

  /** One scan; returns the escalations this replica claimed. */
  async runOnce(now = this.clock.now()): Promise<number> {
    const settings = await this.slaSettings.current();
    let claimed = 0;
    for (const doc of await this.cases.openDueBefore(now)) {
      const { firstResponseRemindAt, resolutionRemindAt } = doc.sla;
      if (!doc.firstRespondedAt && firstResponseRemindAt && firstResponseRemindAt < now)
        claimed += await this.remind(doc, 'firstResponse', doc.sla.firstResponseDueAt, now);
      if (resolutionRemindAt && resolutionRemindAt < now)
        claimed += await this.remind(doc, 'resolution', doc.sla.resolutionDueAt, now);
      if (!doc.firstRespondedAt && doc.sla.firstResponseDueAt && doc.sla.firstResponseDueAt < now)
        claimed += await this.escalate(
          doc,
          'firstResponse',
          doc.sla.firstResponseDueAt,
          settings,
          now,
        );
      if (doc.sla.resolutionDueAt && doc.sla.resolutionDueAt < now)
        claimed += await this.escalate(doc, 'resolution', doc.sla.resolutionDueAt, settings, now);
    }
    if (claimed > 0) this.outbox.nudge();
    return claimed;
  }

  /** The reminder before a target, claimed once by inserting `remind:<case>:<target>`. */
  private async remind(
    doc: CaseDocument,
    target: SlaTargetName,
    dueAt: Date | null,
    now: Date,
  ): Promise<number> {
    if (!dueAt) return 0;
    const id = `remind:${doc._id}:${target}`;
    const remind = doc.assignee ?? 'store_manager';
    const payload = {
      complaintId: doc._id,
      storeId: doc.storeId,
      target,
      dueAt: dueAt.toISOString(),
      remind,
    };
    const claimed = await this.claimOnce({
      _id: id,
      caseId: doc._id,
      target,
      level: 0,
      escalatedTo: remind,
      dueAt,
      at: now,
      outbox: [slaReminderEvent(id, payload, now)],
      outboxPending: true,
    });
    if (claimed) this.logger.info({ caseId: doc._id, target, remind }, 'SLA target near: reminded');
    return claimed ? 1 : 0;
  }

  /** Inserts the claim unless this replica has seen it stored; true if this insert made it. */
  private async claimOnce(claim: SlaBreachDocument): Promise<boolean> {
    if (this.knownClaims.has(claim._id)) return false;
    const claimed = await this.breaches.claim(claim);
    this.knownClaims.remember([claim._id]);
    return claimed;
  }

  private async escalate(
    doc: CaseDocument,
    target: SlaTargetName,
    dueAt: Date,
    settings: SlaSettings,
    now: Date,
  ): Promise<number> {
    const targets = targetOf(settings, doc.severity, doc.channel);
    const minutes =
      target === 'firstResponse' ? targets.firstResponseMinutes : targets.resolutionMinutes;
    const level = escalationLevel(
      dueAt,
      minutes,
      calendarOf(settings, doc.channel, doc.storeId),
      doc.pauses,
      now,
    );
    let claimed = 0;
    for (let l = 1; l <= level; l++) {
      const id = `breach:${doc._id}:${target}:${l}`;
      const escalatedTo = ESCALATION_LADDER[l - 1]!;
      const payload = {
        complaintId: doc._id,
        storeId: doc.storeId,
        target,
        dueAt: dueAt.toISOString(),
        escalatedTo,
        level: l,
      };
      if (
        await this.claimOnce({
          _id: id,
          caseId: doc._id,
          target,
          level: l,
          escalatedTo,
          dueAt,
          at: now,
          outbox: [slaBreachedEvent(id, payload, now)],
          outboxPending: true,
        })
      ) {
        claimed++;
        this.logger.warn({ caseId: doc._id, target, escalatedTo }, 'SLA target missed: escalated');
      }
    }
    if (doc.breached.includes(target)) return claimed;
    // A new breach changes the case's analysis: its store-day is marked before the write (so a
    // crash right after the write still has it folded) and after it (so a fold that ran between
    // the two still sees it).
    const mark = (when: string) =>
      this.rollups.mark([
        {
          _id: `cases:${doc._id}:breach:${target}:${when}`,
          kind: 'cases',
          storeDay: doc.storeBucket,
        },
      ]);
    await mark('before');
    // Its listing's missed-target tree reaches the case before the case is in it.
    await this.listingMarkers.ensure(
      keyedMarkersOf(doc.storeId, doc.receivedAt, { breached: true }),
    );
    await this.cases.markBreached(
      doc._id,
      doc.storeId,
      target,
      keyedBucketsOf(doc.storeId, doc.receivedAt, { breached: true }),
    );
    // The local store runs that update as a read, then a write of the whole case as read: a
    // step projected in between (a desk moving an overdue case, an erasure) would be undone,
    // and its own check may have come before. So the case is projected again from its steps.
    await this.effects.apply(doc._id, { now });
    await mark('after');
    return claimed;
  }
}
