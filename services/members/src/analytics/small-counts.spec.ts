import { publishFigures, suppressibleCount, type ExactFigures } from './small-counts';

const cell = (members: number, over: Partial<ExactFigures> = {}): ExactFigures => ({
  members,
  newMembers: members,
  activeMembers: members,
  lapsedMembers: 0,
  purchases: members * 2,
  spendCents: members * 5000,
  averageTicketCents: 2500,
  returnRate: 1,
  returning: members,
  ...over,
});
const sum = (cells: ExactFigures[]): ExactFigures =>
  cells.reduce((a, b) => ({
    members: a.members + b.members,
    newMembers: a.newMembers + b.newMembers,
    activeMembers: a.activeMembers + b.activeMembers,
    lapsedMembers: a.lapsedMembers + b.lapsedMembers,
    purchases: a.purchases + b.purchases,
    spendCents: a.spendCents + b.spendCents,
    averageTicketCents: null,
    returnRate: null,
    returning: a.returning + b.returning,
  }));

describe('small counts', () => {
  it('withhold a single count of 1 to k − 1, never zero or k', () => {
    expect(suppressibleCount(1, 5)).toEqual({ count: null, countBelow: 5 });
    expect(suppressibleCount(4, 5)).toEqual({ count: null, countBelow: 5 });
    expect(suppressibleCount(0, 5)).toEqual({ count: 0, countBelow: null });
    expect(suppressibleCount(5, 5)).toEqual({ count: 5, countBelow: null });
    expect(suppressibleCount(1, null)).toEqual({ count: 1, countBelow: null });
  });

  it('show every figure exactly when no minimum applies', () => {
    const groups = [{ key: 'male', ...cell(1) }];
    const { totals, groups: shown } = publishFigures({ totals: cell(1), groups }, null);
    expect(totals).toMatchObject({ members: 1, spendCents: 5000, withheld: [] });
    expect(shown[0]).not.toHaveProperty('returning');
  });

  it('withhold a small group with every figure, and the next smallest so totals cannot give it back', () => {
    const female = { key: 'female', ...cell(40) };
    const unspecified = { key: 'unspecified', ...cell(7) };
    const male = { key: 'male', ...cell(1) };
    const groups = [female, unspecified, male];
    const result = publishFigures({ totals: sum(groups), groups }, 5);
    expect(result.totals).toMatchObject({ members: 48, withheld: [] });
    expect(result.groups.map((g) => [g.key, g.members])).toEqual([
      ['female', 40],
      ['male', null],
      ['unspecified', null],
    ]);
    const withheldMale = result.groups[1]!;
    expect(withheldMale).toMatchObject({
      newMembers: null,
      activeMembers: null,
      purchases: null,
      spendCents: null,
      averageTicketCents: null,
      returnRate: null,
    });
    expect(withheldMale.withheld).toHaveLength(8);
  });

  it("withhold a cell's buyer figures when its buyers are few, and its return rate when returning buyers are", () => {
    const groups = [
      { key: 'a', ...cell(30, { activeMembers: 2, returning: 1, purchases: 3, spendCents: 900 }) },
      { key: 'b', ...cell(30, { activeMembers: 20, returning: 2 }) },
      { key: 'c', ...cell(30, { activeMembers: 20, returning: 10 }) },
      { key: 'd', ...cell(30, { activeMembers: 25, returning: 25 }) },
    ];
    const result = publishFigures({ totals: sum(groups), groups }, 5);
    const byKey = Object.fromEntries(result.groups.map((g) => [g.key, g]));
    expect(byKey.a).toMatchObject({
      members: 30,
      activeMembers: null,
      purchases: null,
      spendCents: null,
      averageTicketCents: null,
      returnRate: null,
      withheld: ['activeMembers', 'purchases', 'spendCents', 'averageTicketCents', 'returnRate'],
    });
    // b, the next fewest buyers, has its buyer figures withheld with a's, or the totals minus
    // b, c and d would give a's two buyers (and their spend) back; c keeps them.
    expect(byKey.b).toMatchObject({ members: 30, activeMembers: null, spendCents: null });
    expect(byKey.c).toMatchObject({ activeMembers: 20, spendCents: 150_000 });
    // Return rates: b's two returning buyers are few; c's rate goes with them (a's one-time
    // and returning buyers need company); d's stays.
    expect(byKey.c!.returnRate).toBeNull();
    expect(byKey.d).toMatchObject({ activeMembers: 25, returnRate: 1, withheld: [] });
  });

  it('withhold small totals like any cell', () => {
    const result = publishFigures({ totals: cell(3), groups: [] }, 5);
    expect(result.totals.members).toBeNull();
    expect(result.totals.withheld).toContain('spendCents');
  });
});
