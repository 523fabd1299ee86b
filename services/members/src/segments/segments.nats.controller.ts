import { Ctx, MessagePattern, NatsContext, Payload } from '@nestjs/microservices';
import { mongo } from 'mongoose';
import {
  aggregatesOnly,
  AppError,
  assertMayUseHealthCriteria,
  BirthdaysInMonthRequest,
  ErrorCode,
  GetSegmentRequest,
  ListSegmentMembersRequest,
  SaveSegmentRequest,
  type SegmentCriteria,
  type SegmentMembersPage,
  SegmentPreviewRequest,
  type SegmentPreviewView,
  type SegmentView,
  Subjects,
  usesHealthCriteria,
  validatePayload,
} from '@crm/contracts';
import { actorOf, NatsController, type RpcActor } from '@crm/messaging';
import { suppressibleCount } from '../analytics/small-counts';
import { MembersConfig } from '../members.config';
import { SavedSegmentsRepository, type SavedSegment } from './saved-segments.repository';
import { SegmentIndexService } from './segment-index.service';

/**
 * Segments: preview criteria, save them, page through a saved segment's members. Criteria
 * on health codes only ever select members who consented to their health data being used,
 * and are for the roles that may see health data only: checked here, where the data is,
 * against the staff member the gateway names (`x-actor`), on preview, save and listing.
 * Roles that see aggregates only get no member ids and no small counts. What a count can
 * still give away by differencing (criteria A against A plus one more) is not prevented:
 * see analytics/small-counts.ts.
 */
@NatsController()
export class SegmentsNatsController {
  constructor(
    private readonly segments: SegmentIndexService,
    private readonly saved: SavedSegmentsRepository,
    private readonly config: MembersConfig,
  ) {}

  @MessagePattern(Subjects.members.segments.preview)
  preview(@Payload() data: unknown, @Ctx() ctx: NatsContext): SegmentPreviewView {
    const request = validatePayload(SegmentPreviewRequest, data);
    const actor = actorOf(ctx);
    assertMayUseHealthCriteria(request.criteria, actor?.roles);
    const countsOnly = aggregatesOnly(actor?.roles);
    const evaluatedAt = new Date();
    const started = performance.now();
    const { count, sample } = this.segments.preview(
      withHealthConsent(request.criteria),
      countsOnly ? 0 : (request.sampleSize ?? 20),
      evaluatedAt,
    );
    return {
      ...this.countFor(count, actor),
      sample: countsOnly ? [] : sample,
      evaluatedAt: evaluatedAt.toISOString(),
      tookMs: Math.round((performance.now() - started) * 10) / 10,
    };
  }

  @MessagePattern(Subjects.members.segments.save)
  async save(@Payload() data: unknown, @Ctx() ctx: NatsContext): Promise<SegmentView> {
    const request = validatePayload(SaveSegmentRequest, data);
    const actor = actorOf(ctx);
    assertMayUseHealthCriteria(request.criteria, actor?.roles);
    const criteria = JSON.parse(JSON.stringify(request.criteria)) as SegmentCriteria;
    const segment: SavedSegment = {
      _id: new mongo.ObjectId(),
      name: request.name,
      criteria,
      usesHealthCriteria: usesHealthCriteria(criteria),
      createdBy: actor?.sub ?? null,
      createdAt: new Date(),
    };
    await this.saved.insert(segment);
    return this.view(segment, actor);
  }

  @MessagePattern(Subjects.members.segments.get)
  async get(@Payload() data: unknown, @Ctx() ctx: NatsContext): Promise<SegmentView> {
    return this.view(await this.find(validatePayload(GetSegmentRequest, data).id), actorOf(ctx));
  }

  /** Refused to a role that could not have built the segment (health criteria). */
  @MessagePattern(Subjects.members.segments.members)
  async members(@Payload() data: unknown, @Ctx() ctx: NatsContext): Promise<SegmentMembersPage> {
    const request = validatePayload(ListSegmentMembersRequest, data);
    const segment = await this.find(request.id);
    const roles = actorOf(ctx)?.roles;
    if (segment.usesHealthCriteria) assertMayUseHealthCriteria(segment.criteria, roles);
    return this.segments.page(withHealthConsent(segment.criteria), {
      after: request.after,
      limit: request.limit ?? 100,
    });
  }

  /** Ids of members with a birthday in a month (loyalty's birthday coupons): ids only. */
  @MessagePattern(Subjects.members.birthdays)
  birthdays(@Payload() data: unknown): SegmentMembersPage {
    const request = validatePayload(BirthdaysInMonthRequest, data);
    return this.segments.birthdaysIn(request.month, {
      after: request.after,
      limit: request.limit ?? 100,
    });
  }

  private async find(id: string): Promise<SavedSegment> {
    const segment = await this.saved.findById(id);
    if (!segment) throw new AppError(ErrorCode.NOT_FOUND, `No segment with id ${id}`);
    return segment;
  }

  private view(segment: SavedSegment, actor: RpcActor | undefined): SegmentView {
    const { count } = this.segments.preview(withHealthConsent(segment.criteria), 0);
    return {
      id: String(segment._id),
      name: segment.name,
      criteria: segment.criteria,
      usesHealthCriteria: segment.usesHealthCriteria,
      createdBy: segment.createdBy,
      createdAt: segment.createdAt.toISOString(),
      ...this.countFor(count, actor),
    };
  }

  private countFor(count: number, actor: RpcActor | undefined) {
    return suppressibleCount(
      count,
      aggregatesOnly(actor?.roles) ? this.config.MIN_GROUP_SIZE : null,
    );
  }
}

/** Health codes are used only with the member's separate health-data consent (PIPL). */
export function withHealthConsent(criteria: SegmentCriteria): SegmentCriteria {
  const usesHealth = !!(criteria.diseaseGroups || criteria.allergies || criteria.medicationAtc);
  return usesHealth ? { ...criteria, healthDataConsent: true } : criteria;
}
