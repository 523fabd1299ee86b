import {
  MEMBER_FIGURES,
  type MemberFigureName,
  type MemberFigures,
  type MemberFiguresGroup,
} from '@crm/contracts';

/** A cell's figures as counted, with the count of returning buyers the return rate comes from. */
export type ExactFigures = {
  [K in keyof Omit<MemberFigures, 'withheld'>]: K extends 'averageTicketCents' | 'returnRate'
    ? number | null
    : number;
} & { returning: number };

/** True for a count that could single people out: 1 to k − 1 (zero describes nobody). */
export const isSmall = (count: number, k: number): boolean => count > 0 && count < k;

/** A single count as a role that sees aggregates only may have it (SuppressibleCount). */
export function suppressibleCount(
  count: number,
  k: number | null,
): { count: number | null; countBelow: number | null } {
  return k !== null && isSmall(count, k)
    ? { count: null, countBelow: k }
    : { count, countBelow: null };
}

/** The person counts of a cell, each protected on its own; `oneTime` = active − returning. */
const COUNTS = [
  'members',
  'newMembers',
  'activeMembers',
  'lapsedMembers',
  'returning',
  'oneTime',
] as const;
type Count = (typeof COUNTS)[number];

/**
 * Member figures as a role may see them; `k` null: exactly as counted. With a minimum group
 * size k (roles that see aggregates only):
 * - a count of 1 to k − 1 people is withheld (null), and so is what is derived from those
 *   people: a cell whose members are withheld shows nothing; one whose buyers are withheld
 *   shows no purchases, spend, average ticket or return rate (a single buyer's spend is their
 *   spend); the return rate also goes when its returning or one-time buyers are few (the
 *   rate times the buyers would give them back);
 * - within the groups, each count is protected against subtraction from the totals: when a
 *   group's count is withheld, the next smallest ones are withheld with it until the withheld
 *   cells number at least two and hold at least k people together, so totals minus the shown
 *   groups gives only a sum that singles nobody out.
 * Not prevented: differencing across requests (two periods, a store against the chain, two
 * dimensions of the same totals) and the existence of a group key itself (a region named by
 * one member). Those need noise or pre-aggregated releases; counts here stay exact or absent.
 */
export function publishFigures(
  exact: { totals: ExactFigures; groups: (ExactFigures & { key: string })[] },
  k: number | null,
): { totals: MemberFigures; groups: MemberFiguresGroup[] } {
  if (k === null)
    return {
      totals: shown(exact.totals, new Set()),
      groups: exact.groups.map((g) => ({ key: g.key, ...shown(g, new Set()) })),
    };
  const totalsHidden = new Set<Count>(COUNTS.filter((c) => isSmall(countOf(exact.totals, c), k)));
  const groupsHidden = exact.groups.map(() => new Set<Count>());
  for (const count of COUNTS) {
    const values = exact.groups.map((g) => countOf(g, count));
    // A group whose members are withheld withholds every count of it.
    const hidden = new Set(
      values.flatMap((v, i) => (isSmall(v, k) || groupsHidden[i]!.has('members') ? [i] : [])),
    );
    protectFromSubtraction(values, hidden, k);
    for (const i of hidden) groupsHidden[i]!.add(count);
  }
  const groups = exact.groups.map((g, i) => ({
    key: g.key,
    ...shown(g, groupsHidden[i]!),
  }));
  return {
    totals: shown(exact.totals, totalsHidden),
    groups: [
      ...groups.filter((g) => g.members !== null),
      ...groups.filter((g) => g.members === null).sort((a, b) => a.key.localeCompare(b.key)),
    ],
  };
}

/** Withholds more cells, smallest first, until the withheld ones hide a sum ≥ k in ≥ 2 cells. */
function protectFromSubtraction(values: number[], hidden: Set<number>, k: number): void {
  if (![...hidden].some((i) => isSmall(values[i]!, k))) return;
  const candidates = values
    .map((value, i) => ({ value, i }))
    .filter(({ value, i }) => value > 0 && !hidden.has(i))
    .sort((a, b) => a.value - b.value);
  const sum = () => [...hidden].reduce((n, i) => n + values[i]!, 0);
  while ((hidden.size < 2 || sum() < k) && candidates.length > 0) hidden.add(candidates.shift()!.i);
}

function countOf(figures: ExactFigures, count: Count): number {
  if (count === 'oneTime') return figures.activeMembers - figures.returning;
  return figures[count];
}

/** The figures with what `hidden` implies withheld (null, and named in `withheld`). */
function shown(figures: ExactFigures, hidden: Set<Count>): MemberFigures {
  const withheld = new Set<MemberFigureName>();
  if (hidden.has('members')) for (const name of MEMBER_FIGURES) withheld.add(name);
  if (hidden.has('newMembers')) withheld.add('newMembers');
  if (hidden.has('lapsedMembers')) withheld.add('lapsedMembers');
  if (hidden.has('activeMembers')) for (const name of BUYER_FIGURES) withheld.add(name);
  if (hidden.has('returning') || hidden.has('oneTime')) withheld.add('returnRate');
  const { returning: _returning, ...public_ } = figures;
  const out: MemberFigures = {
    ...public_,
    withheld: MEMBER_FIGURES.filter((name) => withheld.has(name)),
  };
  for (const name of withheld) out[name] = null;
  return out;
}

/** What the period's buyers alone make up. */
const BUYER_FIGURES: MemberFigureName[] = [
  'activeMembers',
  'purchases',
  'spendCents',
  'averageTicketCents',
  'returnRate',
];
