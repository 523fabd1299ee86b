import { Ctx, MessagePattern, NatsContext, Payload } from '@nestjs/microservices';
import {
  CompensateWithCouponCommand,
  CouponDefinitionRequest,
  type CouponDefinitionList,
  type CouponList,
  IssueCouponsCommand,
  ListCouponsRequest,
  RedeemCouponCommand,
  Subjects,
  validatePayload,
} from '@crm/contracts';
import { actorOf, NatsController } from '@crm/messaging';
import { CompensateWithCoupon } from './compensate-with-coupon.handler';
import { CouponDefinitionsRepository } from './coupon-definitions.repository';
import { couponDefinitionView, couponView } from './coupon-views';
import { CouponsRepository } from './coupons.repository';
import { CreateCouponDefinition } from './create-coupon-definition.handler';
import { IssueCoupons } from './issue-coupons.handler';
import { RedeemCouponByApi } from './redeem-coupon.handler';

@NatsController()
export class CouponsNatsController {
  constructor(
    private readonly createDefinition: CreateCouponDefinition,
    private readonly definitions: CouponDefinitionsRepository,
    private readonly issueCoupons: IssueCoupons,
    private readonly coupons: CouponsRepository,
    private readonly redeemCoupon: RedeemCouponByApi,
    private readonly compensate: CompensateWithCoupon,
  ) {}

  @MessagePattern(Subjects.loyalty.coupons.createDefinition)
  create(@Payload() data: unknown, @Ctx() ctx: NatsContext) {
    return this.createDefinition.execute(
      validatePayload(CouponDefinitionRequest, data),
      actorOf(ctx)?.sub,
    );
  }

  @MessagePattern(Subjects.loyalty.coupons.listDefinitions)
  async listDefinitions(): Promise<CouponDefinitionList> {
    return { items: (await this.definitions.all()).map(couponDefinitionView) };
  }

  @MessagePattern(Subjects.loyalty.coupons.issue)
  issue(@Payload() data: unknown, @Ctx() ctx: NatsContext) {
    return this.issueCoupons.execute(validatePayload(IssueCouponsCommand, data), actorOf(ctx));
  }

  @MessagePattern(Subjects.loyalty.coupons.list)
  async list(@Payload() data: unknown): Promise<CouponList> {
    const { id } = validatePayload(ListCouponsRequest, data);
    const now = new Date();
    return {
      memberId: id,
      items: (await this.coupons.ofMember(id)).map((c) => couponView(c, now)),
    };
  }

  @MessagePattern(Subjects.loyalty.coupons.redeem)
  redeem(@Payload() data: unknown, @Ctx() ctx: NatsContext) {
    return this.redeemCoupon.execute(validatePayload(RedeemCouponCommand, data), actorOf(ctx));
  }

  @MessagePattern(Subjects.loyalty.coupons.compensate)
  compensateWithCoupon(@Payload() data: unknown, @Ctx() ctx: NatsContext) {
    return this.compensate.execute(
      validatePayload(CompensateWithCouponCommand, data),
      actorOf(ctx),
    );
  }
}
