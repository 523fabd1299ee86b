import { Injectable, Logger } from '@nestjs/common';
import { type ActingStore, actingStore, assertMayAdminister, mayAdminister } from '@crm/contracts';
import type { RpcActor } from '@crm/messaging';
import { MembersDirectory } from '../coupons/members-directory';
import type { StaffStamp } from './staff-stamp';

function stamp(actor: RpcActor | undefined, store: ActingStore): StaffStamp {
  return actor ? { staffId: actor.sub, ...store } : {};
}

/**
 * Store scoping in loyalty, which does not keep members' home stores: it asks the members
 * service at the moment of the action (`members.v1.home-store`). A cached projection of
 * `members.events.v1` would be stale right after a home-store move, and differently so on each
 * replica; one indexed read per administrative action is cheap and always current.
 */
@Injectable()
export class MemberAdministration {
  private readonly logger = new Logger(MemberAdministration.name);

  constructor(private readonly members: MembersDirectory) {}

  /**
   * Refuses (ACCESS.OTHER_STORE) an administrative change by staff who do not administer the
   * member: only the home store's manager, a desk agent or an admin. Answers the stamp for the
   * record. A desk agent or an admin needs no answer from members to be allowed: their stamp's
   * `crossStore` is learned if members answers, else null.
   */
  async authorize(
    memberId: string,
    actor: RpcActor | undefined,
    action: string,
  ): Promise<StaffStamp> {
    if (!actor) return {};
    // Administers even members with no home store: a desk agent or an admin, any member.
    if (mayAdminister(actor, { homeStoreId: null })) return this.serving(memberId, actor);
    const member = await this.members.homeStoreOf(memberId);
    assertMayAdminister(actor, member, action);
    return stamp(actor, actingStore(actor, member));
  }

  /**
   * Serving at the till (redemptions) is any store's: the stamp only. The acting store comes
   * from the token; whether it is the home store is asked of members, and left null when
   * members cannot answer now: a sale at the till never waits on the audit's detail.
   */
  async serving(memberId: string, actor: RpcActor | undefined): Promise<StaffStamp> {
    if (!actor?.storeId) return stamp(actor, actingStore(actor, undefined));
    try {
      return stamp(actor, actingStore(actor, await this.members.homeStoreOf(memberId)));
    } catch (error) {
      this.logger.warn(
        { err: error, memberId },
        'home store unknown: the action is recorded with its store and crossStore null',
      );
      return stamp(actor, actingStore(actor, undefined));
    }
  }
}
