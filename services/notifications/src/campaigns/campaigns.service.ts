import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import {
  AppError,
  assertMayManageCampaign,
  assertMayMessageSegment,
  assertMayUseHealthCriteria,
  type CampaignView,
  type CreateCampaignCommand,
  ErrorCode,
  MAX_CAMPAIGN_SCHEDULE_DAYS,
} from '@crm/contracts';
import type { RpcActor } from '@crm/messaging';
import { inSpan } from '@crm/observability';
import { countsOf } from './campaign-progress';
import { type CampaignDocument, markId } from './campaign.document';
import { CampaignRunner } from './campaign-runner';
import { CampaignsRepository } from './campaigns.repository';
import { SegmentDirectory } from './segment-directory';

const DAY_MS = 86_400_000;
const VARIABLE = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

/**
 * The campaign id an Idempotency-Key stands for, per staff member: `cmp_` and 20 base-36
 * characters of a SHA-256. The same key is the same campaign, so a retried POST (a timeout, a
 * double click) starts nothing twice.
 */
export function campaignIdFor(staffId: string, idempotencyKey: string): string {
  const hash = createHash('sha256')
    .update(`campaign\u0000${staffId}\u0000${idempotencyKey}`)
    .digest();
  let id = 'cmp_';
  for (let i = 0; i < 20; i++) id += (hash[i]! % 36).toString(36);
  return id;
}

/** Create, read and cancel campaigns (`notifications.v1.campaigns.*`); the runner does the rest. */
@Injectable()
export class Campaigns {
  constructor(
    private readonly store: CampaignsRepository,
    private readonly segments: SegmentDirectory,
    private readonly runner: CampaignRunner,
  ) {}

  create(command: CreateCampaignCommand, actor: RpcActor | undefined): Promise<CampaignView> {
    return inSpan('notifications.campaign.create', async () => {
      if (!actor)
        throw new AppError(ErrorCode.AUTH_FORBIDDEN, 'A campaign is made by a staff member');
      const { idempotencyKey, ...request } = command;
      const variables = checkedVariables(request.variables);
      checkContent(request.content, variables);
      const now = new Date();
      const scheduledAt = request.scheduledAt ? new Date(request.scheduledAt) : null;
      if (
        scheduledAt &&
        scheduledAt.getTime() > now.getTime() + MAX_CAMPAIGN_SCHEDULE_DAYS * DAY_MS
      )
        throw invalid('scheduledAt', `at most ${MAX_CAMPAIGN_SCHEDULE_DAYS} days ahead`);
      const fingerprint = createHash('sha256').update(JSON.stringify(request)).digest('hex');
      const id = campaignIdFor(actor.sub, idempotencyKey);

      const existing = await this.store.find(id);
      if (existing) return this.retried(existing, fingerprint, now);

      // The segment as the staff member may see it: 404 when there is none, and the rules.
      const segment = await this.segments.segment(request.segmentId, actor);
      assertMayMessageSegment(actor, segment.criteria.storeIds, request.purpose);
      if (segment.usesHealthCriteria) assertMayUseHealthCriteria(segment.criteria, actor.roles);

      const campaign: CampaignDocument = {
        _id: id,
        name: request.name,
        segmentId: request.segmentId,
        channel: request.channel,
        purpose: request.purpose,
        templateId: request.templateId ?? null,
        content: request.content
          ? {
              ...(request.content['zh-CN'] ? { 'zh-CN': request.content['zh-CN'] } : {}),
              ...(request.content.en ? { en: request.content.en } : {}),
            }
          : null,
        variables,
        scheduledAt,
        perSecond: request.perSecond ?? null,
        requestedBy: { sub: actor.sub, roles: [...actor.roles], storeId: actor.storeId ?? null },
        storeId: actor.roles.includes('admin') ? null : (actor.storeId ?? null),
        fingerprint,
        createdAt: now,
      };
      // The marker first: a campaign never exists without the marker that gets it run.
      await this.store.markOpen({ _id: id, dueAt: scheduledAt ?? now, createdAt: now });
      if (!(await this.store.insert(campaign))) {
        const raced = await this.store.find(id);
        if (raced) return this.retried(raced, fingerprint, now);
      }
      this.runner.nudge();
      return this.view(campaign);
    });
  }

  async get(id: string, actor: RpcActor | undefined): Promise<CampaignView> {
    const campaign = await this.found(id);
    assertMayManageCampaign(actor, campaign.storeId);
    return this.view(campaign);
  }

  /**
   * Stops the campaign: no new message starts once the runner sees it (within half a second),
   * the ones waiting for quiet hours are skipped, and those queued are skipped by delivery.
   * Asking again answers the cancelled campaign; a campaign already done is a 409.
   */
  async cancel(id: string, actor: RpcActor | undefined): Promise<CampaignView> {
    const campaign = await this.found(id);
    assertMayManageCampaign(actor, campaign.storeId);
    const finished = await this.store.findMark('finished', id);
    if (finished?.outcome === 'done')
      throw new AppError(
        ErrorCode.CAMPAIGN_FINISHED,
        `Campaign ${id} is done: nothing is left to stop`,
      );
    if (!finished) {
      await this.store.insertMark({
        _id: markId('cancelled', id),
        campaignId: id,
        kind: 'cancelled',
        at: new Date(),
        by: actor?.sub ?? 'notifications',
      });
      // A campaign still waiting for its time is closed now rather than at its time.
      await this.store.setDue(id, new Date());
      this.runner.nudge();
    }
    return this.view(campaign);
  }

  async view(campaign: CampaignDocument): Promise<CampaignView> {
    const marks = new Map((await this.store.marksOf(campaign._id)).map((m) => [m.kind, m]));
    const finished = marks.get('finished');
    const total = marks.get('resolved')?.total ?? null;
    const counts = countsOf(await this.store.statusCounts(campaign._id), total);
    const status = finished
      ? finished.outcome!
      : marks.has('cancelled')
        ? 'cancelled'
        : marks.has('started')
          ? 'running'
          : 'scheduled';
    return {
      id: campaign._id,
      name: campaign.name,
      segmentId: campaign.segmentId,
      channel: campaign.channel,
      purpose: campaign.purpose,
      ...(campaign.templateId ? { templateId: campaign.templateId } : {}),
      status,
      scheduledAt: campaign.scheduledAt?.toISOString() ?? null,
      perSecond: campaign.perSecond,
      createdBy: { staffId: campaign.requestedBy.sub, storeId: campaign.requestedBy.storeId },
      createdAt: campaign.createdAt.toISOString(),
      startedAt: marks.get('started')?.at.toISOString() ?? null,
      finishedAt: finished?.at.toISOString() ?? null,
      cancelledAt: marks.get('cancelled')?.at.toISOString() ?? null,
      ...(finished?.reason ? { reason: finished.reason } : {}),
      total,
      ...counts,
    };
  }

  private async found(id: string): Promise<CampaignDocument> {
    const campaign = await this.store.find(id);
    if (!campaign) throw new AppError(ErrorCode.CAMPAIGN_NOT_FOUND, `No campaign with id ${id}`);
    return campaign;
  }

  /** The same key again: the same request answers the campaign, another one is refused. */
  private async retried(
    existing: CampaignDocument,
    fingerprint: string,
    now: Date,
  ): Promise<CampaignView> {
    if (existing.fingerprint !== fingerprint)
      throw new AppError(
        ErrorCode.CAMPAIGN_KEY_REUSED,
        `This Idempotency-Key made campaign ${existing._id} with another request: use a new key for a new campaign`,
      );
    if (!(await this.store.findMark('finished', existing._id)))
      await this.store.markOpen({
        _id: existing._id,
        dueAt: existing.scheduledAt ?? now,
        createdAt: existing.createdAt,
      });
    return this.view(existing);
  }
}

function invalid(field: string, reason: string): AppError {
  return new AppError(ErrorCode.VALIDATION_FAILED, `${field}: ${reason}`, [
    { field, reasons: [reason] },
  ]);
}

function checkedVariables(variables: Record<string, unknown> | undefined): Record<string, string> {
  const checked: Record<string, string> = {};
  for (const [name, value] of Object.entries(variables ?? {})) {
    if (!/^[A-Za-z0-9_]{1,50}$/.test(name))
      throw invalid(`variables.${name.slice(0, 50)}`, 'a variable name is 1–50 of A-Z a-z 0-9 _');
    if (typeof value !== 'string' || value.length > 500)
      throw invalid(`variables.${name}`, 'must be a string of at most 500 characters');
    checked[name] = value;
  }
  return checked;
}

/** Content needs a text, and a value for each of its `{{variables}}` (else every send is skipped). */
function checkContent(
  content: CreateCampaignCommand['content'],
  variables: Record<string, string>,
): void {
  if (!content) return;
  const texts = Object.entries(content).filter(([, text]) => typeof text === 'string');
  if (texts.length === 0) throw invalid('content', 'give the text in zh-CN, en or both');
  for (const [language, text] of texts) {
    const missing = [...(text as string).matchAll(VARIABLE)]
      .map((m) => m[1]!)
      .filter((name) => variables[name] === undefined);
    if (missing.length > 0)
      throw invalid(
        `content.${language}`,
        `no value in variables for ${[...new Set(missing)].join(', ')}`,
      );
  }
}
