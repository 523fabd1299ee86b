import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { natsServers } from '@crm/config';
import { type SegmentMembersPage, Subjects } from '@crm/contracts';
import { NatsRpcClient } from '@crm/messaging';
import { LoyaltyConfig } from '../loyalty.config';

const REQUEST_TIMEOUT_MS = 10_000;
const PAGE_SIZE = 1000;

/**
 * What loyalty asks the members service (over NATS, ids only): a saved segment's members and
 * the members born in a month. Connected on first use, so a loyalty process that never issues
 * to a segment or birthday never opens it.
 */
@Injectable()
export class MembersDirectory implements OnModuleDestroy {
  private connection?: Promise<NatsConnection>;

  constructor(private readonly config: LoyaltyConfig) {}

  async onModuleDestroy(): Promise<void> {
    if (this.connection) await (await this.connection).drain();
  }

  segmentPages(segmentId: string): AsyncGenerator<string[]> {
    return this.pages((after) => ({
      subject: Subjects.members.segments.members,
      data: { id: segmentId, limit: PAGE_SIZE, ...(after ? { after } : {}) },
    }));
  }

  birthdayPages(month: number): AsyncGenerator<string[]> {
    return this.pages((after) => ({
      subject: Subjects.members.birthdays,
      data: { month, limit: PAGE_SIZE, ...(after ? { after } : {}) },
    }));
  }

  private async *pages(
    request: (after: string | undefined) => { subject: string; data: object },
  ): AsyncGenerator<string[]> {
    const rpc = new NatsRpcClient(await this.connect(), REQUEST_TIMEOUT_MS);
    let after: string | undefined;
    do {
      const { subject, data } = request(after);
      const page = await rpc.request<SegmentMembersPage>(subject, data);
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
