import { IsISO8601, IsNotEmpty, IsString } from 'class-validator';

export const MEMBER_MERGED = 'member.merged';

/**
 * Payload of `member.merged`: the same person had two records; everything held under
 * `mergedId` (points, care plans, complaints, messages) now belongs to `survivorId`.
 */
export class MemberMergedPayload {
  @IsString() @IsNotEmpty() survivorId!: string;
  @IsString() @IsNotEmpty() mergedId!: string;
  @IsISO8601() mergedAt!: string;
}
