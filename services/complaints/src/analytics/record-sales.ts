import { Injectable } from '@nestjs/common';
import type { PurchaseRecordedPayload } from '@crm/contracts';
import { SlaSettingsRepository } from '../sla/sla-settings.repository';
import { SalesRepository } from './sales.repository';

/** `purchase.recorded` → one sale per transaction, on the local day it happened. */
@Injectable()
export class RecordSales {
  constructor(
    private readonly sales: SalesRepository,
    private readonly slaSettings: SlaSettingsRepository,
  ) {}

  async execute(purchases: readonly PurchaseRecordedPayload[]): Promise<void> {
    const offset = (await this.slaSettings.current()).utcOffsetMinutes;
    await this.sales.record(purchases, offset);
  }
}
