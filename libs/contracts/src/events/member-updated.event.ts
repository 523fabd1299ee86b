import { ArrayMaxSize, IsArray, IsISO8601, IsNotEmpty, IsString } from 'class-validator';

export const MEMBER_UPDATED = 'member.updated';

/** Payload of `member.updated`: which fields changed, never their values (CONTRACTS.md §5). */
export class MemberUpdatedPayload {
  @IsString() @IsNotEmpty() memberId!: string;
  @IsArray() @ArrayMaxSize(50) @IsString({ each: true }) fields!: string[];
  @IsISO8601() updatedAt!: string;
}
