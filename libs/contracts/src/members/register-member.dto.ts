import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
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
import { ConsentRequest, HealthProfile, RequiresHealthConsent } from './health-and-consent.dto';
import {
  GENDERS,
  type Gender,
  MAINLAND_MOBILE,
  REGISTRATION_CHANNELS,
  type RegistrationChannel,
} from './member.enums';
import { IsBirthDate } from './plausible-birth-date.validator';
import { ProfileDetails } from './profile.dto';

/** `POST /api/v1/members` body and the `members.v1.register` request alike. */
export class RegisterMemberRequest extends ProfileDetails {
  @ApiProperty({ example: '王芳', maxLength: 100 })
  @CleanText()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name!: string;

  @ApiProperty({ example: '13800138000', pattern: MAINLAND_MOBILE.source })
  @Matches(MAINLAND_MOBILE, {
    message: 'phone must be a mainland mobile number (11 digits, 13–19…)',
  })
  phone!: string;

  @ApiProperty({ enum: REGISTRATION_CHANNELS, example: 'store' })
  @IsIn(REGISTRATION_CHANNELS)
  channel!: RegistrationChannel;

  /** Required in store; online and hotline registrations may name a preferred store. */
  @ApiPropertyOptional({ example: 'S001', description: 'Required when channel is store' })
  @ValidateIf((o: RegisterMemberRequest) => o.channel === 'store' || o.homeStoreId !== undefined)
  @IsString()
  @Matches(/^[A-Z0-9-]{2,20}$/, { message: 'homeStoreId must be a store code such as S001' })
  homeStoreId?: string;

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

  @ApiPropertyOptional({
    example: '6740a1f2c3b4d5e6f7a8b9c0',
    description: 'The member who referred this one (counts toward their grade)',
  })
  @IsOptional()
  @Matches(/^[0-9a-f]{24}$/, { message: 'referredBy must be a member id' })
  referredBy?: string;

  @ApiPropertyOptional({ type: ConsentRequest })
  @IsOptional()
  @ValidateNested()
  @Type(() => ConsentRequest)
  consents?: ConsentRequest;

  /** Kept only with the member's separate health-data consent (`consents.healthData: true`). */
  @ApiPropertyOptional({ type: HealthProfile })
  @IsOptional()
  @RequiresHealthConsent()
  @ValidateNested()
  @Type(() => HealthProfile)
  health?: HealthProfile;
}

/** `members.v1.get` request. */
export class GetMemberRequest {
  @IsString() @Matches(/^[0-9a-f]{24}$/, { message: 'id must be a member id' }) id!: string;
}

/** `GET /api/v1/members?phone=…` and the `members.v1.find` request. */
export class FindMembersRequest {
  @ApiProperty({ example: '13800138000', pattern: MAINLAND_MOBILE.source })
  @Matches(MAINLAND_MOBILE, {
    message: 'phone must be a mainland mobile number (11 digits, 13–19…)',
  })
  phone!: string;
}
