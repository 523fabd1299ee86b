import { AppError, ErrorCode } from '../errors';
import {
  actingStore,
  administrativeProfileFields,
  assertMayAdminister,
  assertMayIssueToSegment,
  mayAdminister,
} from './store-scope';

const staff = (role: string, storeId?: string) => ({
  sub: `E-${role}`,
  roles: [role],
  ...(storeId ? { storeId } : {}),
});
const ofS001 = { homeStoreId: 'S001' };
const online = { homeStoreId: null };

function refusal(run: () => void): AppError {
  try {
    run();
  } catch (error) {
    return error as AppError;
  }
  throw new Error('expected a refusal');
}

describe('mayAdminister', () => {
  it("lets the home store's manager, desk agents and admins administer a member", () => {
    expect(mayAdminister(staff('store_manager', 'S001'), ofS001)).toBe(true);
    expect(mayAdminister(staff('desk_agent'), ofS001)).toBe(true);
    expect(mayAdminister(staff('desk_agent', 'S002'), ofS001)).toBe(true);
    expect(mayAdminister(staff('admin', 'S002'), ofS001)).toBe(true);
    expect(mayAdminister(undefined, ofS001)).toBe(true);
  });

  it("refuses another store's manager, every clerk and pharmacist, and HQ analysts", () => {
    expect(mayAdminister(staff('store_manager', 'S002'), ofS001)).toBe(false);
    expect(mayAdminister(staff('store_manager'), ofS001)).toBe(false);
    expect(mayAdminister(staff('store_clerk', 'S001'), ofS001)).toBe(false);
    expect(mayAdminister(staff('pharmacist', 'S001'), ofS001)).toBe(false);
    expect(mayAdminister(staff('hq_analyst'), ofS001)).toBe(false);
    expect(mayAdminister({ sub: 'x', roles: [] }, ofS001)).toBe(false);
  });

  it('leaves members with no home store to desk agents and admins', () => {
    expect(mayAdminister(staff('store_manager', 'S001'), online)).toBe(false);
    expect(mayAdminister(staff('desk_agent'), online)).toBe(true);
    expect(mayAdminister(staff('admin', 'S001'), online)).toBe(true);
  });

  it('refuses with ACCESS.OTHER_STORE saying who may, one detail per field', () => {
    const error = refusal(() =>
      assertMayAdminister(staff('store_manager', 'S002'), ofS001, 'change the profile', [
        'homeStoreId',
        'name',
      ]),
    );
    expect(error.code).toBe(ErrorCode.ACCESS_OTHER_STORE);
    expect(error.message).toBe(
      "Only S001's store manager, a desk agent or an admin may change the profile " +
        "(the member's home store is S001; you act for S002)",
    );
    expect(error.details.map((d) => (d as { field: string }).field)).toEqual([
      'homeStoreId',
      'name',
    ]);
    expect(
      refusal(() => assertMayAdminister(staff('store_manager', 'S001'), online, 'adjust points'))
        .message,
    ).toMatch(/^The member has no home store: only a desk agent or an admin may adjust points/);
  });
});

describe('administrativeProfileFields', () => {
  it('leaves contact details and consents to the till, health to the health roles', () => {
    const all = ['email', 'landline', 'address', 'consents', 'name', 'homeStoreId', 'health'];
    expect(administrativeProfileFields(all, staff('store_clerk', 'S002'))).toEqual([
      'name',
      'homeStoreId',
      'health',
    ]);
    expect(administrativeProfileFields(all, staff('pharmacist', 'S002'))).toEqual([
      'name',
      'homeStoreId',
    ]);
    expect(administrativeProfileFields(['email', 'address'], staff('store_clerk'))).toEqual([]);
  });
});

describe('actingStore', () => {
  it('records the acting store and whether it is not the home store', () => {
    expect(actingStore(staff('store_clerk', 'S002'), ofS001)).toEqual({
      actorStoreId: 'S002',
      crossStore: true,
    });
    expect(actingStore(staff('store_manager', 'S001'), ofS001)).toEqual({
      actorStoreId: 'S001',
      crossStore: false,
    });
    expect(actingStore(staff('admin'), ofS001)).toEqual({ actorStoreId: null, crossStore: null });
    expect(actingStore(staff('store_clerk', 'S002'), online)).toEqual({
      actorStoreId: 'S002',
      crossStore: null,
    });
    expect(actingStore(staff('store_clerk', 'S002'), undefined)).toEqual({
      actorStoreId: 'S002',
      crossStore: null,
    });
  });
});

describe('assertMayIssueToSegment', () => {
  it("lets a store manager issue only to a segment of their own store's members", () => {
    const manager = staff('store_manager', 'S001');
    expect(() => assertMayIssueToSegment(manager, ['S001'])).not.toThrow();
    expect(() => assertMayIssueToSegment(staff('admin'), undefined)).not.toThrow();
    expect(() => assertMayIssueToSegment(staff('desk_agent'), ['S002'])).not.toThrow();
    expect(() => assertMayIssueToSegment(undefined, undefined)).not.toThrow();
    for (const storeIds of [undefined, [], ['S001', 'S002'], ['S002']]) {
      const error = refusal(() => assertMayIssueToSegment(manager, storeIds));
      expect(error.code).toBe(ErrorCode.ACCESS_OTHER_STORE);
      expect(error.details).toEqual([expect.objectContaining({ field: 'segmentId' })]);
    }
    expect(() => assertMayIssueToSegment(staff('store_manager'), ['S001'])).toThrow(AppError);
  });
});
