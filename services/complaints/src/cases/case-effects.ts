import { Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { AnalyticsRollupsRepository } from '../analytics/analytics-rollups.repository';
import { ComplaintsClock } from '../clock/complaints-clock';
import { ComplaintsConfig } from '../complaints.config';
import { batchAlertEvent } from '../events/complaint-events';
import { ComplaintsOutbox } from '../events/complaints-outbox';
import { AskForFeedback } from '../feedback/ask-for-feedback';
import { batchAlertDue } from '../quality/batch-alert-window';
import { BatchAlertsRepository } from '../quality/batch-alerts.repository';
import { caseSla, missedTargets } from '../sla/case-sla';
import { SlaSettingsRepository } from '../sla/sla-settings.repository';
import { type CaseState, foldVersions } from './case-state';
import { type CaseVersion, versionId } from './case-version';
import { CasesRepository } from './cases.repository';
import { type BucketMarker, bucketsOf, markersOf } from '../listing/list-buckets';
import { keyedBucketsOf, keyedMarkersOf } from '../listing/listing-keys';
import { ListingMarkers } from '../listing/listing-markers.cache';
import { CaseVersionsRepository } from './case-versions.repository';

const DAY = 86_400_000;
/** Projecting again when another replica's older write landed last: bounded, the loop retries. */
const MAX_PROJECTIONS = 3;

/** What `apply` is told about the case. */
export interface ApplyOptions {
  now?: Date;
  /**
   * The steps as the caller just read and wrote them, saving their read (a step inserted since
   * is caught by the check after projecting, which reads them again).
   */
  known?: CaseVersion[];
  /** The steps whose after-effects are owed (`EffectsJournal`); none: the case is projected. */
  pending?: readonly string[];
}

/**
 * What follows a step once it is inserted: the case's projection, for a quality intake the
 * batch check, the mark that folds the case into analysis again, and the member's feedback
 * questions after a resolution or closing. Run by the replica that inserted the step, and
 * again by a recovery pass if the effects failed or the replica died (`EffectsJournal`): every
 * part is idempotent.
 */
@Injectable()
export class CaseEffects {
  constructor(
    private readonly versions: CaseVersionsRepository,
    private readonly cases: CasesRepository,
    private readonly listingMarkers: ListingMarkers,
    private readonly rollups: AnalyticsRollupsRepository,
    private readonly alerts: BatchAlertsRepository,
    private readonly slaSettings: SlaSettingsRepository,
    private readonly outbox: ComplaintsOutbox,
    private readonly feedback: AskForFeedback,
    private readonly config: ComplaintsConfig,
    private readonly clock: ComplaintsClock,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(CaseEffects.name);
  }

  /** Projects the case and applies what its `pending` steps owe; returns the case projected. */
  async apply(caseId: string, options: ApplyOptions = {}): Promise<CaseState> {
    return (await this.applyReadingMember(caseId, options)).state;
  }

  /**
   * `apply`, also answering the case's member as its intake stood when read after the
   * projection (the check below): a read after the caller's insert, which a transition's
   * redaction check (`MemberRecords.settleStep`) uses instead of a read of its own.
   */
  async applyReadingMember(
    caseId: string,
    { now = this.clock.now(), known, pending: owed = [] }: ApplyOptions = {},
  ): Promise<{ state: CaseState; member: string | null }> {
    let steps = known ?? (await this.versions.ofCase(caseId));
    const intakePending = owed.includes(versionId(caseId, 1));
    const received = intakePending
      ? foldVersions(steps.filter((step) => step.version === 1))
      : null;
    let state = await this.project(
      steps,
      now,
      received ? markersOf(received.storeId, received.receivedAt) : [],
    );
    let member: string | null;
    for (let round = 1; ; round++) {
      // FerretDB's update is a read, then a write of the whole case as read, so the last write
      // to land is not always the newest: a projection of an older version (another replica's)
      // may land after ours, or ours, read before a member event rewrote the intake, after the
      // event's projection. So every writer reads the steps again once its write has landed:
      // whichever write lands last, its writer's read comes after it and finds a newer step or
      // another member, and projects again. (A read of what is projected would not do: the
      // writer of the newest version may read it before an older write lands.) The analysis
      // mark goes in beside the read: after the projection landed, before the step's debt is
      // settled (a crash between redoes it); a projection made again is marked again, in case a
      // fold took the first mark meanwhile.
      const [latest] = await Promise.all([
        this.versions.ofCase(caseId),
        this.markForAnalysis(state),
      ]);
      member = latest.find((step) => step.version === 1)?.intake?.memberId ?? null;
      if (latest.at(-1)?.version === state.version && state.memberId === member) break;
      if (round === MAX_PROJECTIONS) break;
      steps = latest;
      state = await this.project(steps, now);
    }
    const pending = steps.filter((step) => owed.includes(step._id));
    const alerted = intakePending ? await this.checkBatch(state, now) : false;
    await this.feedback.afterSteps(state, pending);
    // Events out now rather than at the relay's next poll; a step with none (most of an
    // investigation's) would only make the relay read every outbox for nothing.
    if (alerted || pending.some((step) => step.outboxPending)) this.outbox.nudge();
    return { state, member };
  }

  /** The case's store-day is folded into analysis again (`analytics/rollup-fold.ts`). */
  private markForAnalysis(state: CaseState): Promise<void> {
    return this.rollups.mark([
      {
        _id: `cases:${state.id}:v${state.version}`,
        kind: 'cases',
        storeDay: bucketsOf(state.storeId, state.receivedAt).storeBucket,
      },
    ]);
  }

  /** Projects the case, after the listing's markers that reach it (and any `alsoMark`). */
  private async project(
    steps: CaseVersion[],
    now: Date,
    alsoMark: BucketMarker[] = [],
  ): Promise<CaseState> {
    const state = foldVersions(steps);
    const settings = await this.slaSettings.current();
    const sla = caseSla(state, settings);
    const breached = missedTargets(state, sla, now);
    const keys = { status: state.status, breached: breached.length > 0 };
    // Before the case is projected, so a listing walk reaches it as soon as it is there.
    await this.listingMarkers.ensure([
      ...alsoMark,
      ...keyedMarkersOf(state.storeId, state.receivedAt, keys),
    ]);
    const { id, ...fields } = state;
    await this.cases.project({
      ...fields,
      _id: id,
      sla: {
        firstResponseDueAt: sla.firstResponseDueAt,
        resolutionDueAt: sla.resolutionDueAt,
        firstResponseRemindAt: sla.firstResponseRemindAt,
        resolutionRemindAt: sla.resolutionRemindAt,
      },
      breached,
      projectedAt: now,
      ...bucketsOf(state.storeId, state.receivedAt),
      ...keyedBucketsOf(state.storeId, state.receivedAt, keys),
    });
    return state;
  }

  /**
   * N quality complaints on one SKU and batch within the window raise `batch.alert`, once per
   * batch and window (the insert of its key). Counted after this case's own projection, so of
   * concurrent intakes on several replicas the last to count sees them all. True if raised.
   */
  private async checkBatch(state: CaseState, now: Date): Promise<boolean> {
    if (state.category !== 'quality' || !state.sku || !state.batch) return false;
    const windowDays = this.config.BATCH_ALERT_WINDOW_DAYS;
    const since = new Date(state.receivedAt.getTime() - windowDays * DAY);
    const onBatch = await this.cases.qualityOnBatchSince(state.sku, state.batch, since);
    // The window ends at the newest complaint counted: concurrent intakes agree on it.
    const dates = onBatch.map((c) => c.receivedAt);
    const newest = new Date(Math.max(...dates.map((d) => d.getTime())));
    const due = batchAlertDue(state.sku, state.batch, dates, newest, {
      threshold: this.config.BATCH_ALERT_THRESHOLD,
      windowDays,
    });
    if (!due) return false;
    const payload = {
      sku: state.sku,
      batch: state.batch,
      complaints: onBatch.length,
      complaintIds: onBatch.map((c) => c._id),
      windowDays,
      windowStart: due.windowStart.toISOString(),
    };
    const raised = await this.alerts.raise({
      _id: due.key,
      sku: state.sku,
      batch: state.batch,
      complaintIds: payload.complaintIds,
      windowStart: due.windowStart,
      raisedAt: now,
      outbox: [batchAlertEvent(due.key, payload, now)],
      outboxPending: true,
    });
    if (raised)
      this.logger.warn(
        { sku: state.sku, batch: state.batch, complaints: onBatch.length },
        'batch alert raised: quality hold for QA',
      );
    return raised;
  }
}
