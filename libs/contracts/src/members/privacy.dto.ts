import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { HealthAuditView } from './health-and-consent.dto';
import { MemberView } from './member.view';
import { PurchaseView } from './purchase.view';
import { MemberChangeView } from './update-member.dto';

/** `GET /members/{id}/export`, `DELETE /members/{id}`: `members.v1.export` / `members.v1.erase`. */
export class MemberPrivacyRequest {
  @Matches(/^[0-9a-f]{24}$/, { message: 'id must be a member id' }) id!: string;
}

/** Everything the members service holds about a person (PIPL right of access and copy). */
export class MemberExport {
  @ApiProperty({ format: 'date-time' }) exportedAt!: string;
  @ApiProperty({ type: MemberView }) member!: MemberView;
  @ApiProperty({ type: [PurchaseView] }) purchases!: PurchaseView[];
  @ApiProperty({ type: [MemberChangeView] }) history!: MemberChangeView[];
  @ApiProperty({ type: [HealthAuditView], description: 'Who read or changed the health details' })
  healthAccess!: HealthAuditView[];
  @ApiProperty({
    type: [String],
    example: ['loyalty', 'care-plans', 'complaints', 'notifications'],
    description: 'Services that hold more about the member and answer for it themselves',
  })
  alsoHeldBy!: string[];
}

export class MemberErasure {
  @ApiProperty() memberId!: string;
  @ApiProperty({ format: 'date-time' }) erasedAt!: string;
}
