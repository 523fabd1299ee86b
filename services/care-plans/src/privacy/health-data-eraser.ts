import { Injectable } from '@nestjs/common';
import type { Connection } from 'mongoose';
import { dbSpan } from '@crm/observability';
import { InjectMongo } from '@crm/service-kit';

/**
 * The collections that hold a member's health data beyond plans, tasks and refill history:
 * readings (and the alerts drawn from them). One list, so erasure, consent withdrawal and merge
 * cannot miss one that a feature adds.
 */
export const HEALTH_DATA_COLLECTIONS = ['health_indicators'] as const;

@Injectable()
export class HealthDataEraser {
  constructor(@InjectMongo() private readonly connection: Connection) {}

  async erase(memberId: string): Promise<void> {
    for (const name of HEALTH_DATA_COLLECTIONS)
      await dbSpan(name, 'delete', () =>
        this.connection.db!.collection(name).deleteMany({ memberId }),
      );
  }

  async moveTo(fromId: string, toId: string): Promise<void> {
    for (const name of HEALTH_DATA_COLLECTIONS)
      await dbSpan(name, 'update', () =>
        this.connection
          .db!.collection(name)
          .updateMany({ memberId: fromId }, { $set: { memberId: toId } }),
      );
  }
}
