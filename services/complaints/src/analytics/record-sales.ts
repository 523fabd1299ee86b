import { Injectable } from '@nestjs/common';
import type { PurchaseRecordedPayload } from '@crm/contracts';
import { SlaSettingsRepository } from '../sla/sla-settings.repository';
import { createHash } from 'node:crypto';
import { AnalyticsRollupsRepository } from './analytics-rollups.repository';
import { SalesRepository } from './sales.repository';

/**
 * `purchase.recorded` → one sale per transaction, on the local day it happened; then each
 * store-day of the run is marked for the analysis fold, under an id made of its sales (a
 * redelivered run marks the same ids), whether its sales were new or not: a crash between the
 * two writes is made up for by the redelivery.
 */
@Injectable()
export class RecordSales {
  constructor(
    private readonly sales: SalesRepository,
    private readonly rollups: AnalyticsRollupsRepository,
    private readonly slaSettings: SlaSettingsRepository,
  ) {}

  async execute(purchases: readonly PurchaseRecordedPayload[]): Promise<void> {
    const offset = (await this.slaSettings.current()).utcOffsetMinutes;
    const storeDays = await this.sales.record(purchases, offset);
    await this.rollups.mark(
      [...storeDays].map(([storeDay, saleIds]) => ({
        _id: `sales:${storeDay}:${createHash('sha256').update(saleIds.sort().join(',')).digest('hex').slice(0, 24)}`,
        kind: 'sales' as const,
        storeDay,
      })),
    );
  }
}
