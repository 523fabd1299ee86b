import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Connection, mongo } from 'mongoose';
import type { HealthAuditView } from '@crm/contracts';
import type { RpcActor } from '@crm/messaging';
import { dbSpan } from '@crm/observability';
import { InjectMongo } from '@crm/service-kit';

export interface HealthAuditRecord {
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

/** Who read or changed a member's health details, when, and why: one record per access. */
@Injectable()
export class HealthAuditRepository {
  readonly collection: mongo.Collection<HealthAuditRecord>;

  constructor(@InjectMongo() connection: Connection) {
    this.collection = connection.db!.collection<HealthAuditRecord>(COLLECTION);
  }

  async record(
    memberId: string,
    action: HealthAuditRecord['action'],
    purpose: string,
    actor?: RpcActor,
  ): Promise<void> {
    await dbSpan(COLLECTION, 'insert', () =>
      this.collection.insertOne({
        _id: randomUUID(),
        memberId,
        action,
        fields: ['health'],
        purpose,
        actor: actor?.sub ?? null,
        roles: actor?.roles ?? [],
        storeId: actor?.storeId ?? null,
        at: new Date(),
      }),
    );
  }

  /** A member's audit trail, newest first. */
  forMember(memberId: string, limit = 200): Promise<HealthAuditRecord[]> {
    return dbSpan(COLLECTION, 'find', () =>
      this.collection.find({ memberId }, { sort: { at: -1 }, limit }).toArray(),
    );
  }
}

export function toHealthAuditView({
  action,
  fields,
  purpose,
  actor,
  roles,
  storeId,
  at,
}: HealthAuditRecord): HealthAuditView {
  return { action, fields, purpose, actor, roles, storeId, at: at.toISOString() };
}
