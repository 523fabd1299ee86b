import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { natsServers } from '@crm/config';
import {
  type MemberHomeStoreView,
  type SegmentMembersPage,
  type SegmentView,
  Subjects,
} from '@crm/contracts';
import { NatsRpcClient, type RpcActor } from '@crm/messaging';
import { LoyaltyConfig } from '../loyalty.config';

const REQUEST_TIMEOUT_MS = 10_000;
/** A home store is one indexed read: a staff member at the till should not wait longer. */
const HOME_STORE_TIMEOUT_MS = 3_000;
const PAGE_SIZE = 1000;

/**
 * What loyalty asks the members service (over NATS, ids only): a member's home store, a saved
 * segment and its members, and the members born in a month. A query made on behalf of a staff
 * member carries them (`x-actor`), so the members service applies its own rules to them (a
 * health segment's members only to the health roles); the birthday job asks as the service.
 * Connected at start (every staff action on points and coupons asks for the home store, so the
 * first one should not pay for the connection), without holding the start up: a failure there
 * is retried on first use.
 */
@Injectable()
export class MembersDirectory implements OnModuleInit, OnModuleDestroy {
  private connection?: Promise<NatsConnection>;

  constructor(private readonly config: LoyaltyConfig) {}

  onModuleInit(): void {
    this.connect().catch(() => undefined);
  }

  async onModuleDestroy(): Promise<void> {
    if (this.connection) await (await this.connection).drain();
  }

  /**
   * The member's home store now (not a cached copy: a home-store move counts at once, on
   * every replica). MEMBER.NOT_FOUND for an id the members service does not know.
   */
  async homeStoreOf(memberId: string): Promise<MemberHomeStoreView> {
    const rpc = new NatsRpcClient(await this.connect(), HOME_STORE_TIMEOUT_MS);
    return rpc.request<MemberHomeStoreView>(Subjects.members.homeStore, { id: memberId });
  }

  async segment(segmentId: string, actor: RpcActor | undefined): Promise<SegmentView> {
    const rpc = new NatsRpcClient(await this.connect(), REQUEST_TIMEOUT_MS);
    return rpc.request<SegmentView>(Subjects.members.segments.get, { id: segmentId }, actor);
  }

  segmentPages(segmentId: string, actor: RpcActor | undefined): AsyncGenerator<string[]> {
    return this.pages(
      (after) => ({
        subject: Subjects.members.segments.members,
        data: { id: segmentId, limit: PAGE_SIZE, ...(after ? { after } : {}) },
      }),
      actor,
    );
  }

  birthdayPages(month: number): AsyncGenerator<string[]> {
    return this.pages((after) => ({
      subject: Subjects.members.birthdays,
      data: { month, limit: PAGE_SIZE, ...(after ? { after } : {}) },
    }));
  }

  private async *pages(
    request: (after: string | undefined) => { subject: string; data: object },
    actor?: RpcActor,
  ): AsyncGenerator<string[]> {
    const rpc = new NatsRpcClient(await this.connect(), REQUEST_TIMEOUT_MS);
    let after: string | undefined;
    do {
      const { subject, data } = request(after);
      const page = await rpc.request<SegmentMembersPage>(subject, data, actor);
      if (page.memberIds.length > 0) yield page.memberIds;
      after = page.next ?? undefined;
    } while (after);
  }

  private connect(): Promise<NatsConnection> {
    this.connection ??= connect({
      servers: natsServers(this.config),
      name: 'loyalty-members-directory',
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
    }).catch((error: unknown) => {
      this.connection = undefined;
      throw error;
    });
    return this.connection;
  }
}
