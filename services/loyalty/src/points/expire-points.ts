import { Inject, Injectable } from '@nestjs/common';
import type { Connection, mongo } from 'mongoose';
import { PinoLogger } from 'nestjs-pino';
import { POINTS_EXPIRING, type PointsExpiringPayload, Topics } from '@crm/contracts';
import { eventIdFor, insertOnce, newEnvelope, withOutbox, type WithOutbox } from '@crm/messaging';
import { InjectMongo, PeriodicJob } from '@crm/service-kit';
import { localMonth } from '../tiers/rolling-spend';
import type { EarningSettings } from './earning';
import { EARNING_SETTINGS } from './earning-settings';
import { dueBefore, unspentByMonth } from './points-expiry';
import { bookOf } from './ledger/points-account';
import { PointsLedger } from './ledger/points-ledger.port';

/** How often accounts are checked; expiry is by month, so an hour late is on time. */
const CHECK_EVERY_MS = 60 * 60_000;

/** One `points.expiring` per member and month, its event riding in the document. */
export interface ExpiryNotice extends WithOutbox {
  _id: string; // <member>:<month>
  memberId: string;
  points: number;
  expiresAt: Date;
}

export const EXPIRY_NOTICES = 'points_expiry_notices';

/**
 * Expires points at the end of their local month, oldest first (points-expiry.ts), and tells
 * members of points that expire at the end of this month: at start-up and every hour after.
 */
@Injectable()
export class ExpirePoints extends PeriodicJob {
  readonly notices: mongo.Collection<ExpiryNotice>;

  constructor(
    private readonly ledger: PointsLedger,
    @Inject(EARNING_SETTINGS) private readonly settings: EarningSettings,
    @InjectMongo() connection: Connection,
    protected readonly logger: PinoLogger,
  ) {
    super(CHECK_EVERY_MS, 'points expiry pass');
    logger.setContext(ExpirePoints.name);
    this.notices = connection.db!.collection<ExpiryNotice>(EXPIRY_NOTICES);
  }

  /** One pass over every account at `now`; returns the points expired and the notices sent. */
  async run(now = new Date()): Promise<{ expired: number; noticed: number }> {
    const month = localMonth(now, this.settings.utcOffsetMinutes);
    let expired = 0;
    let noticed = 0;
    for (const account of await this.ledger.books()) {
      if (account.mergedInto) continue;
      // The scan's book is enough to skip most accounts; the ledger decides again in its turn.
      if (dueBefore(bookOf(account), month) > 0)
        expired += await this.ledger.expireDue(account._id, month, now);
      const expiring = unspentByMonth(bookOf(account))[month] ?? 0;
      if (expiring > 0 && (await this.notify(account._id, month, expiring))) noticed++;
    }
    return { expired, noticed };
  }

  private notify(memberId: string, month: string, points: number): Promise<boolean> {
    const expiresAt = endOfLocalMonth(month, this.settings.utcOffsetMinutes);
    const notice = withOutbox<ExpiryNotice>(
      { _id: `${memberId}:${month}`, memberId, points, expiresAt },
      {
        topic: Topics.loyaltyEvents,
        envelope: newEnvelope<PointsExpiringPayload>({
          id: eventIdFor(POINTS_EXPIRING, memberId, month),
          type: POINTS_EXPIRING,
          source: 'loyalty',
          key: memberId,
          payload: { memberId, points, expiresAt: expiresAt.toISOString() },
        }),
      },
    );
    return insertOnce(() => this.notices.insertOne(notice));
  }

  protected async runRound(): Promise<void> {
    const { expired, noticed } = await this.run();
    if (expired > 0 || noticed > 0) this.logger.info({ expired, noticed }, 'points expiry pass');
  }
}

/** The last instant of a local month (`YYYY-MM`). */
export function endOfLocalMonth(month: string, utcOffsetMinutes: number): Date {
  const [year, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(year, m, 1) - utcOffsetMinutes * 60_000 - 1);
}
