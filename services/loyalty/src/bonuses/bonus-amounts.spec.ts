import { GrantBonusCommand, validatePayload } from '@crm/contracts';
import type { LoyaltyConfig } from '../loyalty.config';
import { bonusAmounts, bonusEntryId, bonusReason } from './bonus-amounts';

const member = '0123456789abcdef01234567';

describe('one-off bonuses', () => {
  it('keys the profile once per member, a survey or suggestion once per reference', () => {
    expect(bonusEntryId('profile', member)).toBe(`bonus:profile:${member}`);
    expect(bonusEntryId('profile', member, 'web-form')).toBe(`bonus:profile:${member}`);
    expect(bonusEntryId('survey', member, 'S-1')).toBe(`bonus:survey:${member}:S-1`);
    expect(bonusEntryId('suggestion', member, 'G-9')).toBe(`bonus:suggestion:${member}:G-9`);
  });

  it('takes the amounts from the settings and says what each bonus was for', () => {
    const config = {
      BONUS_PROFILE_POINTS: 200,
      BONUS_SURVEY_POINTS: 50,
      BONUS_SUGGESTION_POINTS: 100,
    } as LoyaltyConfig;
    expect(bonusAmounts(config)).toEqual({ profile: 200, survey: 50, suggestion: 100 });
    expect(bonusReason('survey', 'S-1')).toBe('Survey answered (S-1)');
    expect(bonusReason('profile')).toBe('Online profile completed');
  });

  it('needs a reference for surveys and suggestions, and one fit for a key', () => {
    const fields = (body: object) => {
      try {
        validatePayload(GrantBonusCommand, { id: member, ...body });
        return [];
      } catch (error) {
        return (error as { details: { field: string }[] }).details.map((d) => d.field);
      }
    };
    expect(fields({ kind: 'profile' })).toEqual([]);
    expect(fields({ kind: 'survey', reference: 'SURVEY-2026-11' })).toEqual([]);
    expect(fields({ kind: 'survey' })).toEqual(['reference']);
    expect(fields({ kind: 'suggestion', reference: 'a:b' })).toEqual(['reference']);
    expect(fields({ kind: 'profile', reference: { $ne: 1 } })).toEqual(['reference']);
    expect(fields({ kind: 'lottery', reference: 'x' })).toEqual(['kind']);
  });
});
