import { Ctx, MessagePattern, NatsContext, Payload } from '@nestjs/microservices';
import { actorOf, NatsController } from '@crm/messaging';
import {
  FindMembersRequest,
  GetMemberRequest,
  MemberContactRequest,
  MemberContactsRequest,
  MemberHomeStoreRequest,
  Subjects,
  validatePayload,
} from '@crm/contracts';
import { FindMembers } from './find-members.handler';
import { GetContact } from './get-contact.handler';
import { GetHomeStore } from './get-home-store.handler';
import { GetMember } from './get-member.handler';

@NatsController()
export class LookupNatsController {
  constructor(
    private readonly getMember: GetMember,
    private readonly findMembers: FindMembers,
    private readonly getHomeStore: GetHomeStore,
    private readonly getContact: GetContact,
  ) {}

  @MessagePattern(Subjects.members.get)
  get(@Payload() data: unknown, @Ctx() ctx: NatsContext) {
    return this.getMember.execute(validatePayload(GetMemberRequest, data), actorOf(ctx));
  }

  @MessagePattern(Subjects.members.find)
  find(@Payload() data: unknown, @Ctx() ctx: NatsContext) {
    return this.findMembers.execute(validatePayload(FindMembersRequest, data), actorOf(ctx));
  }

  /** Another service's store scoping (loyalty's adjustments, bonuses, coupon issues). */
  @MessagePattern(Subjects.members.homeStore)
  homeStore(@Payload() data: unknown) {
    return this.getHomeStore.execute(validatePayload(MemberHomeStoreRequest, data));
  }

  /** The notifications service, at the moment it sends (the address is never kept there). */
  @MessagePattern(Subjects.members.contact)
  contact(@Payload() data: unknown) {
    return this.getContact.execute(validatePayload(MemberContactRequest, data));
  }

  /** The same for a batch (a campaign page, a batch of deliveries). */
  @MessagePattern(Subjects.members.contacts)
  contacts(@Payload() data: unknown) {
    return this.getContact.executeMany(validatePayload(MemberContactsRequest, data));
  }
}
