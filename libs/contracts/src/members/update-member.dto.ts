import { type ApiPropertyOptions, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsEmail,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { CleanText } from '../clean-text';
import { ConsentRequest, HealthProfile } from './health-and-consent.dto';
import {
  GENDERS,
  type Gender,
  REGISTRATION_CHANNELS,
  type RegistrationChannel,
} from './member.enums';
import { IsBirthDate } from './plausible-birth-date.validator';
import { ProfileDetails } from './profile.dto';

/**
 * `PATCH /api/v1/members/{id}` body and the `members.v1.update` request: only the fields
 * given change; each change is kept in the member's history. The phone number is the
 * member's identity and is not changed here.
 */
export class UpdateMemberRequest extends ProfileDetails {
  @ApiPropertyOptional({ example: '王芳', maxLength: 100 })
  @IsOptional()
  @CleanText()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name?: string;

  @ApiPropertyOptional({ enum: GENDERS })
  @IsOptional()
  @IsIn(GENDERS)
  gender?: Gender;

  @ApiPropertyOptional({ example: '1968-04-12', format: 'date' })
  @IsOptional()
  @IsBirthDate()
  birthDate?: string;

  @ApiPropertyOptional({ example: 'wang.fang@example.com' })
  @IsOptional()
  @IsEmail()
  email?: string;

  @ApiPropertyOptional({ example: 'S002' })
  @IsOptional()
  @Matches(/^[A-Z0-9-]{2,20}$/, { message: 'homeStoreId must be a store code such as S001' })
  homeStoreId?: string;

  /** Replaces the health details as a whole; needs the health-data consent on file or given here. */
  @ApiPropertyOptional({ type: HealthProfile })
  @IsOptional()
  @ValidateNested()
  @Type(() => HealthProfile)
  health?: HealthProfile;

  @ApiPropertyOptional({
    type: ConsentRequest,
    description:
      'Consents given or withdrawn now; withdrawing healthData erases the health details',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => ConsentRequest)
  consents?: ConsentRequest;

  /** How the member gave or withdrew consent; required with `consents`. */
  @ApiPropertyOptional({ enum: REGISTRATION_CHANNELS, example: 'store' })
  @ValidateIf(
    (o: UpdateMemberRequest) => o.consents !== undefined || o.consentChannel !== undefined,
  )
  @IsIn(REGISTRATION_CHANNELS, { message: 'consentChannel must be store, online or hotline' })
  consentChannel?: RegistrationChannel;
}

/** The `members.v1.update` request: the member id beside the change. */
export class UpdateMemberCommand {
  @Matches(/^[0-9a-f]{24}$/, { message: 'id must be a member id' }) id!: string;
  @ValidateNested() @Type(() => UpdateMemberRequest) change!: UpdateMemberRequest;
}

/** `GET /api/v1/members/{id}/history` and `members.v1.history`. */
export class ListMemberHistoryRequest {
  @Matches(/^[0-9a-f]{24}$/, { message: 'id must be a member id' }) id!: string;
}

/**
 * A field's value before or after a change: whatever the field holds (a name is a string, an
 * address an object, a list of hobbies an array), or null when it was not set.
 */
const ANY_FIELD_VALUE = {
  oneOf: [
    { type: 'string' },
    { type: 'number' },
    { type: 'boolean' },
    { type: 'object' },
    { type: 'array', items: {} },
  ],
  nullable: true,
} satisfies ApiPropertyOptions;

export class FieldChangeView {
  @ApiProperty({ example: 'address' }) field!: string;
  @ApiProperty({
    ...ANY_FIELD_VALUE,
    description: 'Health values only for roles that may see them',
  })
  old!: unknown;
  @ApiProperty(ANY_FIELD_VALUE) new!: unknown;
  @ApiProperty({ description: 'True when this role may not see the values (health details)' })
  masked!: boolean;
}

export class MemberChangeView {
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ type: String, nullable: true, example: 'E042' }) actor!: string | null;
  @ApiProperty({ type: [String], example: ['desk_agent'] }) roles!: string[];
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'S002',
    description: 'The store the staff member acted for (null: HQ staff)',
  })
  actorStoreId!: string | null;
  @ApiProperty({
    type: Boolean,
    nullable: true,
    description:
      "True when made from another store than the member's home store; null when either has no store",
  })
  crossStore!: boolean | null;
  @ApiProperty({ type: [FieldChangeView] }) changes!: FieldChangeView[];
}

export class MemberHistory {
  @ApiProperty({ type: [MemberChangeView], description: 'Newest first' })
  items!: MemberChangeView[];
}
