import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';

/**
 * The `members.v1.birthdays` request: ids of members whose birthday falls in a calendar month
 * (29 February counts in February), paged by member id like a segment. Ids only, no dates.
 * The answer is a `SegmentMembersPage`.
 */
export class BirthdaysInMonthRequest {
  @IsInt() @Min(1) @Max(12) month!: number;
  @IsOptional()
  @Matches(/^[0-9a-f]{24}$/, { message: 'after must be the next cursor of the previous page' })
  after?: string;
  @IsOptional() @IsInt() @Min(1) @Max(1000) limit?: number;
}
