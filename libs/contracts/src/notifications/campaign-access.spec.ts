import { assertMayManageCampaign, assertMayMessageSegment } from './campaign-access';

const manager = (storeId?: string) => ({ sub: 'E-1', roles: ['store_manager'], storeId });
const codeOf = (fn: () => void) => {
  try {
    fn();
    return null;
  } catch (error) {
    return (error as { code: string }).code;
  }
};

describe('who may message a saved segment', () => {
  it('lets an admin message any segment, for any purpose', () => {
    const admin = { sub: 'E-0', roles: ['admin'] };
    expect(codeOf(() => assertMayMessageSegment(admin, undefined, 'marketing'))).toBeNull();
    expect(codeOf(() => assertMayMessageSegment(admin, ['S001', 'S002'], 'clinical'))).toBeNull();
  });

  it("lets a store manager send marketing to a segment of their own store's members only", () => {
    expect(
      codeOf(() => assertMayMessageSegment(manager('S042'), ['S042'], 'marketing')),
    ).toBeNull();
    expect(codeOf(() => assertMayMessageSegment(manager('S001'), ['S042'], 'marketing'))).toBe(
      'ACCESS.OTHER_STORE',
    );
    expect(
      codeOf(() => assertMayMessageSegment(manager('S042'), ['S042', 'S001'], 'marketing')),
    ).toBe('ACCESS.OTHER_STORE');
    expect(codeOf(() => assertMayMessageSegment(manager('S042'), undefined, 'marketing'))).toBe(
      'ACCESS.OTHER_STORE',
    );
    expect(codeOf(() => assertMayMessageSegment(manager(), ['S042'], 'marketing'))).toBe(
      'ACCESS.OTHER_STORE',
    );
  });

  it('keeps service and clinical campaigns, which skip consent and caps, for admins', () => {
    expect(codeOf(() => assertMayMessageSegment(manager('S042'), ['S042'], 'service'))).toBe(
      'CAMPAIGN.PURPOSE_FORBIDDEN',
    );
  });

  it("shows a store manager their store's campaigns only", () => {
    expect(codeOf(() => assertMayManageCampaign(manager('S042'), 'S042'))).toBeNull();
    expect(codeOf(() => assertMayManageCampaign(manager('S001'), 'S042'))).toBe(
      'ACCESS.OTHER_STORE',
    );
    expect(codeOf(() => assertMayManageCampaign(manager('S042'), null))).toBe('ACCESS.OTHER_STORE');
    expect(
      codeOf(() => assertMayManageCampaign({ sub: 'a', roles: ['admin'] }, 'S042')),
    ).toBeNull();
  });
});
