import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, Matches, ValidateIf } from 'class-validator';
import { PointsEntryView } from './points.dto';

/** What a one-off bonus is for (DOMAIN.md, Loyalty). */
export const BONUS_KINDS = ['profile', 'survey', 'suggestion'] as const;
export type BonusKind = (typeof BONUS_KINDS)[number];

/**
 * Body of `POST /api/v1/members/{id}/points/bonuses`. The bonus is keyed by what it is for:
 * the profile once per member, a survey or a suggestion once per its `reference`.
 */
export class GrantBonusRequest {
  @ApiProperty({ enum: BONUS_KINDS, example: 'survey' })
  @IsIn(BONUS_KINDS)
  kind!: BonusKind;

  @ApiPropertyOptional({
    example: 'SURVEY-2026-11',
    description: 'The survey or suggestion id (required for those); optional for the profile',
  })
  @ValidateIf(
    (request: GrantBonusRequest) => request.kind !== 'profile' || request.reference !== undefined,
  )
  // Part of the ledger entry's key: no separator or operator characters.
  @Matches(/^[A-Za-z0-9_.-]{1,80}$/, {
    message: 'reference must be 1–80 letters, digits or _.- (the survey or suggestion id)',
  })
  reference?: string;
}

/** The `loyalty.v1.points.bonus` request. */
export class GrantBonusCommand extends GrantBonusRequest {
  @Matches(/^[0-9a-f]{24}$/, { message: 'id must be a member id' }) id!: string;
}

export class BonusView extends PointsEntryView {
  @ApiProperty({
    description: 'False when this bonus was given before: the first entry is returned',
  })
  created!: boolean;
}
