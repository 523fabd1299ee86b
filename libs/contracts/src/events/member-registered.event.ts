import { IsIn, IsISO8601, IsOptional, IsString, IsNotEmpty } from 'class-validator';
import { REGISTRATION_CHANNELS, type RegistrationChannel } from '../members/member.enums';

export const MEMBER_REGISTERED = 'member.registered';

/** Payload of `member.registered` on members.events.v1: ids and facts, no personal details. */
export class MemberRegisteredPayload {
  @IsString() @IsNotEmpty() memberId!: string;
  @IsIn(REGISTRATION_CHANNELS) channel!: RegistrationChannel;
  @IsOptional() @IsString() homeStoreId?: string;
  @IsISO8601() registeredAt!: string;
  /** The member who brought this one (a referral, for the referrer's grade); added in v1, optional. */
  @IsOptional() @IsString() referredBy?: string;
}
