import { ConsentsView, HealthProfile } from './health-and-consent.dto';
import { ApiProperty } from '@nestjs/swagger';
import { RelationshipView } from './grade.dto';
import { ProfileDetailsView } from './profile.dto';
import {
  GENDERS,
  REGISTRATION_CHANNELS,
  type Gender,
  type RegistrationChannel,
} from './member.enums';

export class PurchaseSummaryView {
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) firstPurchaseAt!:
    string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) lastPurchaseAt!:
    string | null;
  @ApiProperty({ description: 'Sales in this month and the 11 before it' }) purchases12m!: number;
  @ApiProperty({ description: 'Spend net of refunds over the same months, integer cents CNY' })
  spend12mCents!: number;
  @ApiProperty({ type: Number, nullable: true }) averageTicket12mCents!: number | null;
  @ApiProperty({ type: [String], example: ['osteoporosis'] }) categories!: string[];
}

/** What the members service returns for one member (an allow-list: nothing else leaves it). */
export class MemberView extends ProfileDetailsView {
  @ApiProperty({ example: '6740a1f2c3b4d5e6f7a8b9c0' }) id!: string;
  @ApiProperty({ example: '王芳' }) name!: string;
  @ApiProperty({ example: '13800138000' }) phone!: string;
  @ApiProperty({ enum: REGISTRATION_CHANNELS }) channel!: RegistrationChannel;
  @ApiProperty({ type: String, nullable: true, example: 'S001' }) homeStoreId!: string | null;
  @ApiProperty({ enum: GENDERS, nullable: true }) gender!: Gender | null;
  @ApiProperty({ type: String, nullable: true, format: 'date' }) birthDate!: string | null;
  @ApiProperty({ type: String, nullable: true }) email!: string | null;
  @ApiProperty({ format: 'date-time' }) registeredAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ type: PurchaseSummaryView }) purchaseSummary!: PurchaseSummaryView;
  @ApiProperty({
    enum: [0, 20, 40, 60, 80, 100],
    description:
      'Relationship depth: 0 new, 20 re-bought, 40 attends events, 60 refers, 80 refers actively, 100 advocate',
  })
  grade!: number;
  @ApiProperty({ type: RelationshipView }) relationship!: RelationshipView;
  @ApiProperty({ type: ConsentsView }) consents!: ConsentsView;
  @ApiProperty({
    type: HealthProfile,
    nullable: true,
    description:
      'Only for pharmacist, desk_agent and admin; null (and healthMasked) for other roles',
  })
  health!: HealthProfile | null;
  @ApiProperty({ description: 'True when the member has health details this role may not see' })
  healthMasked!: boolean;
}

/** Roles that may see health details (CONTRACTS.md §1); every read is audited. */
export const HEALTH_ROLES = ['pharmacist', 'desk_agent', 'admin'] as const;

export function maySeeHealth(roles: readonly string[] | undefined): boolean {
  return (roles ?? []).some((role) => (HEALTH_ROLES as readonly string[]).includes(role));
}

export class MemberList {
  @ApiProperty({ type: [MemberView] }) items!: MemberView[];
}
