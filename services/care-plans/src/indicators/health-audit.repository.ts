import { randomUUID } from 'node:crypto';
import { Injectable, OnModuleInit } from '@nestjs/common';
import type { Connection, mongo } from 'mongoose';
import type { RpcActor } from '@crm/messaging';
import { dbSpan } from '@crm/observability';
import { ensureIndexes, InjectMongo } from '@crm/service-kit';

export interface CareHealthAuditRecord {
  _id: string;
  memberId: string;
  action: 'read' | 'write';
  fields: string[];
  purpose: string;
  actor: string | null;
  roles: string[];
  storeId: string | null;
  at: Date;
}

const COLLECTION = 'health_audit';

/**
 * Who read or wrote a member's health readings here, when, and why: one record per access, as
 * the members service keeps for its health details. Kept after an erasure (it is about staff).
 */
@Injectable()
export class CareHealthAuditRepository implements OnModuleInit {
  readonly collection: mongo.Collection<CareHealthAuditRecord>;

  constructor(@InjectMongo() connection: Connection) {
    this.collection = connection.db!.collection<CareHealthAuditRecord>(COLLECTION);
  }

  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.collection as never, [
      { key: { memberId: 1, at: -1 }, name: 'member_at' },
    ]);
  }

  async record(
    memberId: string,
    action: CareHealthAuditRecord['action'],
    purpose: string,
    actor?: RpcActor,
    fields: string[] = ['healthIndicators'],
  ): Promise<void> {
    await dbSpan(COLLECTION, 'insert', () =>
      this.collection.insertOne({
        _id: randomUUID(),
        memberId,
        action,
        fields,
        purpose,
        actor: actor?.sub ?? null,
        roles: actor?.roles ?? [],
        storeId: actor?.storeId ?? null,
        at: new Date(),
      }),
    );
  }
}
