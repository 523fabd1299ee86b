import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { Matches, ValidateNested } from 'class-validator';

const MEMBER_ID = /^[0-9a-f]{24}$/;

/** `POST /api/v1/members/{id}/merge`: `{id}` survives, `duplicateId` is folded into it. */
export class MergeMembersRequest {
  @ApiProperty({ example: '6740a1f2c3b4d5e6f7a8b9c1', description: 'The record to fold in' })
  @Matches(MEMBER_ID, { message: 'duplicateId must be a member id' })
  duplicateId!: string;
}

export class MergeMembersCommand {
  @Matches(MEMBER_ID, { message: 'id must be a member id' }) id!: string;
  @ValidateNested() @Type(() => MergeMembersRequest) merge!: MergeMembersRequest;
}

export class MergeResult {
  @ApiProperty() survivorId!: string;
  @ApiProperty() mergedId!: string;
  @ApiProperty({ format: 'date-time' }) mergedAt!: string;
  @ApiProperty({ description: 'Purchases moved to the survivor' }) purchasesMoved!: number;
}
