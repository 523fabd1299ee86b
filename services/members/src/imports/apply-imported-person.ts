import { createHmac } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { mongo } from 'mongoose';
import type { ImportMemberRow, ProfileDetails } from '@crm/contracts';
import { FieldCipher } from '@crm/crypto';
import { dbSpan } from '@crm/observability';
import { PHONE_FIELD } from '../members/member-crypto';
import type { MemberDocument } from '../members/member.document';
import { MEMBERS_COLLECTION, MemberRepository } from '../members/member.repository';
import { MemberEnrollment } from '../registration/member-enrollment';
import { consentRecords, newMemberDocument, type NewMember } from '../registration/new-member';
import type { ImportJobDocument } from './import-job.document';
import type { PersonOutcome } from './import-progress';
import { compareWithExisting, maskPhone, type ImportedPerson } from './resolve-identities';

/** A member's id in a regional archive: which store's system, which id there. */
export interface LegacyMemberId {
  storeId: string;
  id: string;
}

/** What an imported member carries beyond a registered one. */
export interface ImportedMemberFields {
  legacyIds: LegacyMemberId[];
  /** The job that created the member (a member it only matched keeps its own history). */
  importJobId: string;
}

/**
 * Applies one person of an archive: a phone nobody holds becomes a member, enrolled exactly as
 * a registration is (claim, then member and `member.registered` in one insert); a phone held
 * by the same person gains the archive's ids; a phone held by someone else is a conflict for
 * a person to decide. Repeating it (a resumed job) changes nothing and gives the same outcome.
 */
@Injectable()
export class ApplyImportedPerson {
  constructor(
    private readonly enrollment: MemberEnrollment,
    private readonly members: MemberRepository,
    private readonly cipher: FieldCipher,
  ) {}

  async execute(person: ImportedPerson, job: ImportJobDocument): Promise<PersonOutcome> {
    const rows = person.rows.length;
    const legacyIds = person.legacyIds.map((id) => ({ storeId: job.sourceStoreId, id }));
    const doc: MemberDocument & ImportedMemberFields = {
      ...newMemberDocument(this.newMember(person, job), this.cipher, new Date()),
      legacyIds,
      importJobId: job._id,
    };
    const outcome = await this.enrollment.enroll(doc);
    if (outcome.enrolled) return { kind: 'created', rows };

    const holder = outcome.holderId ? await this.members.findById(outcome.holderId) : null;
    if (!holder) {
      const reason =
        'phone is being registered at this moment by someone else; import this row again later';
      return {
        kind: 'failed',
        rows,
        errors: person.rows.map((row) => ({ row, field: 'phone', reason })),
      };
    }
    const comparison = compareWithExisting(person, holder);
    if (!comparison.sameIdentity) {
      return {
        kind: 'conflict',
        conflict: {
          phone: maskPhone(person.phone),
          rows: person.rows,
          fields: comparison.differingFields,
          existingMemberId: String(holder._id),
        },
      };
    }
    await this.addLegacyIds(holder._id, legacyIds);
    return { kind: 'merged', rows };
  }

  private newMember(person: ImportedPerson, job: ImportJobDocument): NewMember {
    const { value } = person;
    const importedBy = job.requestedBy?.sub ?? null;
    const marketingSms = value.marketingSms;
    return {
      id: this.memberIdFor(person, job),
      name: value.name,
      phone: person.phone,
      channel: 'store',
      homeStoreId: value.homeStoreId ?? job.sourceStoreId,
      gender: value.gender ?? null,
      birthDate: value.birthDate ?? null,
      email: value.email ?? null,
      registeredBy: importedBy,
      registeredAt: value.registeredAt ? registrationTime(value.registeredAt) : job.createdAt,
      details: archiveAddress(value),
      // Carried over from the archive as the store recorded it; no health data (no separate
      // health-data consent exists in legacy archives).
      consents: consentRecords(
        marketingSms === undefined ? undefined : { marketing: { sms: marketingSms } },
        { channel: 'import', takenBy: importedBy, at: job.createdAt },
      ),
    };
  }

  /**
   * The same person of the same job always gets the same member id, so a resumed job finds
   * the member (or the bare claim) it made before its crash, and counts it as created. The
   * id keeps an ObjectId's shape: the job's creation second, then 8 bytes keyed on the
   * phone's blind index (never on the bare number, which 10¹¹ guesses would reveal).
   */
  private memberIdFor(person: ImportedPerson, job: ImportJobDocument): mongo.ObjectId {
    const seconds = Buffer.alloc(4);
    seconds.writeUInt32BE(Math.floor(job.createdAt.getTime() / 1000));
    const phoneIndex = this.cipher.blindIndex(person.phone, PHONE_FIELD);
    const tail = createHmac('sha256', job._id).update(phoneIndex).digest().subarray(0, 8);
    return new mongo.ObjectId(Buffer.concat([seconds, tail]));
  }

  /** Idempotent ($addToSet): a resumed job adds nothing twice. */
  private async addLegacyIds(memberId: unknown, legacyIds: LegacyMemberId[]): Promise<void> {
    await this.members.serialize(memberId, () =>
      dbSpan(MEMBERS_COLLECTION, 'update', () =>
        this.members.collection.updateOne(
          { _id: memberId } as never,
          {
            $addToSet: { legacyIds: { $each: legacyIds } },
            $set: { updatedAt: new Date() },
          } as never,
        ),
      ),
    );
  }
}

/** The archive's region, district and street, as the member's address (absent parts left out). */
function archiveAddress({
  region,
  district,
  address,
}: ImportMemberRow): ProfileDetails | undefined {
  const given = Object.entries({ region, district, street: address }).filter(([, v]) => v);
  return given.length > 0 ? { address: Object.fromEntries(given) } : undefined;
}

/** An archive's bare date is a day in China (UTC+8); a date-time keeps its own offset. */
function registrationTime(value: string): Date {
  return new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00+08:00` : value);
}
