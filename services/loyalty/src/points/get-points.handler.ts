import { Injectable } from '@nestjs/common';
import type { GetPointsRequest, PointsEntryView, PointsView } from '@crm/contracts';
import { PointsLedger } from './ledger/points-ledger.port';
import { PointsRepository } from './ledger/points.repository';
import type { PointsEntry } from './points-entry';
import { availablePoints } from './points-locks';

const DEFAULT_ENTRIES = 50;

/** A member's balance and newest ledger entries; a member with no account has none yet. */
@Injectable()
export class GetPoints {
  constructor(
    private readonly ledger: PointsLedger,
    private readonly repository: PointsRepository,
  ) {}

  async execute({ id, limit }: GetPointsRequest): Promise<PointsView> {
    const [account, entries] = await Promise.all([
      this.ledger.account(id),
      this.repository.history(id, limit ?? DEFAULT_ENTRIES),
    ]);
    return {
      memberId: id,
      balance: account?.balance ?? 0,
      available: availablePoints(account?.balance ?? 0, account?.locked ?? [], new Date()),
      entries: entries.map(entryView),
    };
  }
}

export function entryView(entry: PointsEntry): PointsEntryView {
  return {
    entryId: entry._id,
    kind: entry.kind,
    points: entry.points,
    at: entry.at.toISOString(),
    ...(entry.transactionId ? { transactionId: entry.transactionId } : {}),
    ...(entry.reason ? { reason: entry.reason } : {}),
    ...(entry.staffId
      ? {
          staffId: entry.staffId,
          actorStoreId: entry.actorStoreId ?? null,
          crossStore: entry.crossStore ?? null,
        }
      : {}),
  };
}
