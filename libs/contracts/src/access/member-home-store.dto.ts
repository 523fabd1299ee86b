import { Matches } from 'class-validator';

/**
 * `members.v1.home-store`: what another service needs to apply store scoping to a member at
 * the moment of an action (ids and a store code only, no personal data). A merged duplicate
 * answers for its survivor; an erased member still answers (the record's shell keeps its store)
 * so the asking service can refuse with its own reason.
 */
export class MemberHomeStoreRequest {
  @Matches(/^[0-9a-f]{24}$/, { message: 'id must be a member id' }) id!: string;
}

export interface MemberHomeStoreView {
  memberId: string;
  homeStoreId: string | null;
  erased: boolean;
}
