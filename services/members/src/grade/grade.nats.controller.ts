import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  AppError,
  ErrorCode,
  type GradeView,
  RecordAttendanceCommand,
  Subjects,
  validatePayload,
} from '@crm/contracts';
import { NatsController } from '@crm/messaging';
import { MemberRepository } from '../members/member.repository';
import { EngagementRepository } from './engagement.repository';
import { memberGrade, relationshipOf } from './member-grade';

@NatsController()
export class GradeNatsController {
  constructor(
    private readonly engagement: EngagementRepository,
    private readonly members: MemberRepository,
  ) {}

  /** Records an attendance (once per event) and answers with the grade it leads to. */
  @MessagePattern(Subjects.members.recordAttendance)
  async recordAttendance(@Payload() data: unknown): Promise<GradeView> {
    const { id, attendance } = validatePayload(RecordAttendanceCommand, data);
    if (!(await this.engagement.recordAttendance(id, attendance.eventId)))
      throw new AppError(ErrorCode.MEMBER_NOT_FOUND, `No member with id ${id}`);
    const doc = (await this.members.findById(id))!;
    const relationship = relationshipOf(doc);
    return { grade: memberGrade(relationship), relationship };
  }
}
