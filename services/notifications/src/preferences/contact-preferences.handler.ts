import { Injectable } from '@nestjs/common';
import {
  AppError,
  type ContactPreferencesView,
  ErrorCode,
  type GetContactPreferencesRequest,
  type PutContactPreferencesCommand,
} from '@crm/contracts';
import { inSpan } from '@crm/observability';
import { MembersClient } from '../members/members-client';
import { NotificationsConfig } from '../notifications.config';
import {
  type ChainDefaults,
  effective,
  type EffectivePreferences,
  preferenceProblems,
  toPreferencesView,
} from './contact-preferences';
import { PreferencesRepository } from './preferences.repository';

/**
 * `PUT/GET /members/{id}/contact-preferences`, and the preferences the send decision reads.
 * A PUT for a member the members service does not know is a 404 (nothing is written).
 */
@Injectable()
export class ContactPreferences {
  constructor(
    private readonly store: PreferencesRepository,
    private readonly members: MembersClient,
    private readonly config: NotificationsConfig,
  ) {}

  get defaults(): ChainDefaults {
    return {
      quietHoursStart: this.config.QUIET_HOURS_START,
      quietHoursEnd: this.config.QUIET_HOURS_END,
      utcOffsetMinutes: this.config.CHAIN_UTC_OFFSET_MINUTES,
    };
  }

  put(command: PutContactPreferencesCommand): Promise<ContactPreferencesView> {
    return inSpan('notifications.preferences.put', async () => {
      const problems = preferenceProblems(command.preferences);
      if (problems.length > 0)
        throw new AppError(ErrorCode.VALIDATION_FAILED, 'Some fields are invalid', problems);
      await this.members.contact(command.memberId, 'sms'); // MEMBER.NOT_FOUND → 404
      const p = command.preferences;
      const doc = {
        _id: command.memberId,
        channels: [...p.channels],
        preferredChannel: p.preferredChannel ?? null,
        language: p.language ?? 'zh-CN',
        quietHours: p.quietHours ? { start: p.quietHours.start, end: p.quietHours.end } : null,
        timeZone: p.timeZone ?? null,
        updatedAt: new Date(),
      };
      await this.store.put(doc);
      return toPreferencesView(command.memberId, doc, this.defaults);
    });
  }

  async get(request: GetContactPreferencesRequest): Promise<ContactPreferencesView> {
    return toPreferencesView(
      request.memberId,
      await this.store.find(request.memberId),
      this.defaults,
    );
  }

  async of(memberId: string): Promise<EffectivePreferences> {
    return effective(await this.store.find(memberId), this.defaults);
  }

  /** `of` for each member (a batch of sends). */
  async ofMany(memberIds: string[]): Promise<Map<string, EffectivePreferences>> {
    const stated = await this.store.findMany(memberIds);
    return new Map(memberIds.map((id) => [id, effective(stated.get(id) ?? null, this.defaults)]));
  }
}
