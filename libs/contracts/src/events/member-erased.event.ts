import { IsISO8601, IsNotEmpty, IsString } from 'class-validator';

export const MEMBER_ERASED = 'member.erased';

/**
 * Payload of `member.erased`: every service deletes the member's personal data and keeps
 * only anonymous aggregates under the id.
 */
export class MemberErasedPayload {
  @IsString() @IsNotEmpty() memberId!: string;
  @IsISO8601() erasedAt!: string;
}
