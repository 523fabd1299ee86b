import { Ctx, MessagePattern, NatsContext, Payload } from '@nestjs/microservices';
import { mongo } from 'mongoose';
import {
  AppError,
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
  validatePayload,
} from '@crm/contracts';
import { actorOf, NatsController } from '@crm/messaging';
import { SavedSegmentsRepository, type SavedSegment } from './saved-segments.repository';
import { SegmentIndexService } from './segment-index.service';

/**
 * Segments: preview criteria, save them, page through a saved segment's members. Criteria
 * on health codes only ever select members who consented to their health data being used.
 */
@NatsController()
export class SegmentsNatsController {
  constructor(
    private readonly segments: SegmentIndexService,
    private readonly saved: SavedSegmentsRepository,
  ) {}

  @MessagePattern(Subjects.members.segments.preview)
  preview(@Payload() data: unknown): SegmentPreviewView {
    const request = validatePayload(SegmentPreviewRequest, data);
    const evaluatedAt = new Date();
    const started = performance.now();
    const { count, sample } = this.segments.preview(
      withHealthConsent(request.criteria),
      request.sampleSize ?? 20,
      evaluatedAt,
    );
    return {
      count,
      sample,
      evaluatedAt: evaluatedAt.toISOString(),
      tookMs: Math.round((performance.now() - started) * 10) / 10,
    };
  }

  @MessagePattern(Subjects.members.segments.save)
  async save(@Payload() data: unknown, @Ctx() ctx: NatsContext): Promise<SegmentView> {
    const request = validatePayload(SaveSegmentRequest, data);
    const segment: SavedSegment = {
      _id: new mongo.ObjectId(),
      name: request.name.trim(),
      criteria: JSON.parse(JSON.stringify(request.criteria)) as SegmentCriteria,
      createdBy: actorOf(ctx)?.sub ?? null,
      createdAt: new Date(),
    };
    await this.saved.insert(segment);
    return this.view(segment);
  }

  @MessagePattern(Subjects.members.segments.get)
  async get(@Payload() data: unknown): Promise<SegmentView> {
    return this.view(await this.find(validatePayload(GetSegmentRequest, data).id));
  }

  @MessagePattern(Subjects.members.segments.members)
  async members(@Payload() data: unknown): Promise<SegmentMembersPage> {
    const request = validatePayload(ListSegmentMembersRequest, data);
    const segment = await this.find(request.id);
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

  private view(segment: SavedSegment): SegmentView {
    return {
      id: String(segment._id),
      name: segment.name,
      criteria: segment.criteria,
      createdBy: segment.createdBy,
      createdAt: segment.createdAt.toISOString(),
      count: this.segments.preview(withHealthConsent(segment.criteria), 0).count,
    };
  }
}

/** Health codes are used only with the member's separate health-data consent (PIPL). */
export function withHealthConsent(criteria: SegmentCriteria): SegmentCriteria {
  const usesHealth = !!(criteria.diseaseGroups || criteria.allergies || criteria.medicationAtc);
  return usesHealth ? { ...criteria, healthDataConsent: true } : criteria;
}
