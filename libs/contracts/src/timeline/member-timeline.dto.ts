import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';

/**
 * `<service>.v1.timeline`: one member's history in one service, newest first, a page at a time.
 * Every service that holds a member's history answers it (care-plans, complaints,
 * notifications, and later members and loyalty); the desk console's 360° timeline merges the
 * pages by `at`. The cursor is opaque to callers: pass back `nextCursor` for the next page.
 */
/** A page of a list read newest first: where the previous page ended, and how many. */
export class CursorPageRequest {
  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_.:+-]{1,200}$/, { message: 'cursor must be a nextCursor as returned' })
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

export class MemberTimelineRequest extends CursorPageRequest {
  @Matches(/^[0-9a-f]{24}$/, { message: 'memberId must be a member id' })
  memberId!: string;
}

/** One thing that happened to the member, as the timeline shows it: facts and ids, no health details. */
export class TimelineItem {
  @ApiProperty({ description: 'When it happened (ISO 8601)' }) at!: string;
  @ApiProperty({ example: 'complaints' }) service!: string;
  @ApiProperty({ example: 'complaint.resolved' }) kind!: string;
  @ApiProperty({ description: 'The id of the record it is about, in its service' }) id!: string;
  @ApiProperty({ description: 'One line for the desk, in the service’s words' }) summary!: string;
}

export class MemberTimelinePage {
  @ApiProperty({ type: [TimelineItem] }) items!: TimelineItem[];
  @ApiProperty({ type: String, nullable: true, description: 'null on the last page' })
  nextCursor!: string | null;
}

/**
 * The cursor every service uses: the last item's time and id, so items with the same time are
 * neither skipped nor repeated across pages (sort by `at` descending, then `id` descending).
 */
export function timelineCursor(item: Pick<TimelineItem, 'at' | 'id'>): string {
  return `${Date.parse(item.at)}:${item.id}`;
}

export function parseTimelineCursor(cursor: string | undefined): { at: Date; id: string } | null {
  if (!cursor) return null;
  const split = cursor.indexOf(':');
  const ms = Number(cursor.slice(0, split));
  if (split < 1 || !Number.isFinite(ms)) return null;
  return { at: new Date(ms), id: cursor.slice(split + 1) };
}
