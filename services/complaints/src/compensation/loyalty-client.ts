import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { natsServers } from '@crm/config';
import { type CouponView, type PointsEntryView, Subjects } from '@crm/contracts';
import { NatsRpcClient } from '@crm/messaging';
import { ComplaintsConfig } from '../complaints.config';

const REQUEST_TIMEOUT_MS = 10_000;

/**
 * What complaints asks loyalty: a compensation, as the service itself (no `x-actor`: the case
 * is the authority, docs/access-rules.md), keyed so loyalty gives it once however often asked.
 */
@Injectable()
export class LoyaltyClient implements OnModuleInit, OnModuleDestroy {
  private connection?: Promise<NatsConnection>;

  constructor(private readonly config: ComplaintsConfig) {}

  onModuleInit(): void {
    this.connect().catch(() => undefined);
  }

  async onModuleDestroy(): Promise<void> {
    if (this.connection) await (await this.connection).drain().catch(() => undefined);
  }

  /** One compensation coupon per `complaintId` (loyalty keys it `compensation:<complaintId>`). */
  async compensateWithCoupon(memberId: string, complaintId: string): Promise<CouponView> {
    const rpc = new NatsRpcClient(await this.connect(), REQUEST_TIMEOUT_MS);
    return rpc.request<CouponView>(Subjects.loyalty.coupons.compensate, {
      id: memberId,
      complaintId,
    });
  }

  /** Points once per key (loyalty keys the entry `adjust:<member>:<key>`). */
  async adjustPoints(
    memberId: string,
    points: number,
    reason: string,
    idempotencyKey: string,
  ): Promise<PointsEntryView> {
    const rpc = new NatsRpcClient(await this.connect(), REQUEST_TIMEOUT_MS);
    return rpc.request<PointsEntryView>(Subjects.loyalty.adjust, {
      id: memberId,
      points,
      reason,
      idempotencyKey,
    });
  }

  private connect(): Promise<NatsConnection> {
    this.connection ??= connect({
      servers: natsServers(this.config),
      name: 'complaints-loyalty-client',
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
    }).catch((error: unknown) => {
      this.connection = undefined;
      throw error;
    });
    return this.connection;
  }
}
