import { isDeepStrictEqual } from 'node:util';
import { Injectable } from '@nestjs/common';
import { mongo } from 'mongoose';
import {
  actingStore,
  administrativeProfileFields,
  AppError,
  assertMayAdminister,
  ErrorCode,
  maySeeHealth,
  MEMBER_UPDATED,
  PROFILE_DETAIL_FIELDS,
  type MemberUpdatedPayload,
  type MemberView,
  Topics,
  type UpdateMemberCommand,
  type UpdateMemberRequest,
} from '@crm/contracts';
import { FieldCipher } from '@crm/crypto';
import { newEnvelope, queueEvents, type RpcActor } from '@crm/messaging';
import { dbSpan, inSpan } from '@crm/observability';
import { MembersOutbox } from '../events/members-outbox';
import { HealthAuditRepository } from '../members/health-audit.repository';
import { HEALTH_FIELD } from '../members/member-crypto';
import type { MemberChangeRecord, MemberDocument } from '../members/member.document';
import { toMemberView } from '../members/member.mapper';
import { MEMBERS_COLLECTION, MemberRepository } from '../members/member.repository';
import { consentRecords } from '../registration/new-member';
import { MemberHistoryRepository } from './member-history.repository';

/** Fields a PATCH sets as given (health and consents have rules of their own). */
const PLAIN_FIELDS = [
  'name',
  'gender',
  'birthDate',
  'email',
  'homeStoreId',
  ...PROFILE_DETAIL_FIELDS,
] as const;

/** Attempts when another change lands between our read and our write. */
const MAX_ATTEMPTS = 3;

/**
 * Changes a member's profile. The change, its history record (who, when, which fields, old
 * and new — health values encrypted as stored) and its `member.updated` event are one write,
 * conditioned on the version read, so concurrent edits never overwrite each other silently.
 */
@Injectable()
export class UpdateMember {
  constructor(
    private readonly members: MemberRepository,
    private readonly history: MemberHistoryRepository,
    private readonly cipher: FieldCipher,
    private readonly outbox: MembersOutbox,
    private readonly audit: HealthAuditRepository,
  ) {}

  execute(command: UpdateMemberCommand, actor?: RpcActor): Promise<MemberView> {
    return inSpan('members.update', async () => {
      for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
        const outcome = await this.members.serialize(command.id, () =>
          this.attempt(command, actor),
        );
        if (!outcome) continue;
        // After the member's lock: copying the history is itself a member write.
        if (outcome.record) {
          this.outbox.nudge();
          await this.history.settle(command.id, [outcome.record]);
          if (outcome.record.changes.some((c) => c.field === 'health'))
            await this.audit.record(command.id, 'write', 'member.update', actor);
        }
        return outcome.view;
      }
      throw new AppError(
        ErrorCode.MEMBER_CHANGED,
        'The member was changed by someone else at the same time; reload and try again',
      );
    });
  }

  /**
   * One read-change-write: the new view and the change written, or null when another writer
   * got in between (nothing was written then).
   */
  private async attempt(
    command: UpdateMemberCommand,
    actor: RpcActor | undefined,
  ): Promise<{ view: MemberView; record?: MemberChangeRecord } | null> {
    const doc = await this.members.findById(command.id);
    if (!doc || doc.erasedAt || doc.mergedInto)
      throw new AppError(ErrorCode.MEMBER_NOT_FOUND, `No member with id ${command.id}`);
    const now = new Date();
    const set = this.changedFields(doc, command.change, actor, now);
    const fields = Object.keys(set);
    const showHealth = maySeeHealth(actor?.roles);
    if (fields.length === 0) return { view: toMemberView(doc, this.cipher, showHealth) };
    // Store scoping (docs/access-rules.md): decided on what really changes, so a form sent
    // whole from another store's till passes when only its contact details differ.
    const administrative = administrativeProfileFields(requestedFields(fields, command), actor);
    const member = { homeStoreId: doc.homeStoreId ?? null };
    if (administrative.length > 0)
      assertMayAdminister(actor, member, `change ${administrative.join(', ')}`, administrative);

    const record: MemberChangeRecord = {
      _id: String(new mongo.ObjectId()),
      memberId: command.id,
      at: now,
      actor: actor?.sub ?? null,
      roles: actor?.roles ?? [],
      storeId: actor?.storeId ?? null,
      crossStore: actingStore(actor, member).crossStore,
      changes: fields.map((field) => ({
        field: field === 'healthEnc' ? 'health' : field,
        old: (doc as unknown as Record<string, unknown>)[field] ?? null,
        new: set[field] ?? null,
      })),
    };
    const queued = queueEvents({
      topic: Topics.membersEvents,
      envelope: newEnvelope<MemberUpdatedPayload>({
        type: MEMBER_UPDATED,
        source: 'members',
        key: command.id,
        payload: {
          memberId: command.id,
          fields: record.changes.map((c) => c.field),
          updatedAt: now.toISOString(),
        },
      }),
    });
    const result = await dbSpan(MEMBERS_COLLECTION, 'update', () =>
      this.members.collection.updateOne(
        { _id: doc._id, updatedAt: doc.updatedAt } as never,
        {
          $set: { ...set, updatedAt: now, ...queued.$set },
          $push: { ...queued.$push, pendingHistory: record },
        } as never,
      ),
    );
    if (result.matchedCount === 0) return null;
    const updated = { ...doc, ...set, updatedAt: now } as MemberDocument;
    return { view: toMemberView(updated, this.cipher, showHealth), record };
  }

  /** The stored fields this request really changes, as they will be stored. */
  private changedFields(
    doc: MemberDocument,
    change: UpdateMemberRequest,
    actor: RpcActor | undefined,
    now: Date,
  ): Record<string, unknown> {
    const set: Record<string, unknown> = {};
    const current = doc as unknown as Record<string, unknown>;
    for (const field of PLAIN_FIELDS) {
      const value = field === 'name' ? change.name?.trim() : change[field];
      if (value !== undefined && !isDeepStrictEqual(plain(value), current[field] ?? undefined))
        set[field] = plain(value);
    }
    if (change.consents) {
      const given = consentRecords(change.consents, {
        channel: change.consentChannel!,
        takenBy: actor?.sub ?? null,
        at: now,
      });
      const consents = {
        marketing: { ...doc.consents.marketing, ...given.marketing },
        healthData: given.healthData ?? doc.consents.healthData,
      };
      set.consents = consents;
      // Withdrawing the health-data consent ends keeping health details (PIPL).
      if (given.healthData?.granted === false && doc.healthEnc) set.healthEnc = null;
    }
    if (change.health !== undefined) {
      const consent = (set.consents as MemberDocument['consents'] | undefined) ?? doc.consents;
      if (!consent.healthData?.granted)
        throw new AppError(ErrorCode.VALIDATION_FAILED, 'Health details need consent', [
          {
            field: 'health',
            reasons: [
              "health needs the member's separate consent: set consents.healthData to true (with consentChannel)",
            ],
          },
        ]);
      const before = doc.healthEnc ? this.cipher.decrypt(doc.healthEnc, HEALTH_FIELD) : null;
      const after = JSON.stringify(plain(change.health));
      if (before !== after) set.healthEnc = this.cipher.encrypt(after, HEALTH_FIELD);
    }
    return set;
  }
}

/**
 * The request's fields behind the stored fields that change: the health details are erased by
 * a withdrawn consent (a till change) as well as replaced by `health` (a clinical one).
 */
function requestedFields(stored: string[], command: UpdateMemberCommand): string[] {
  const named = stored.map((field) =>
    field !== 'healthEnc' ? field : command.change.health !== undefined ? 'health' : 'consents',
  );
  return [...new Set(named)];
}

/** Validated DTO instances as plain JSON values (what the store keeps and compares). */
function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
