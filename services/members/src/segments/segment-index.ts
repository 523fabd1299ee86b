import type {
  Allergen,
  DiseaseGroup,
  Gender,
  IntegerRange,
  MarketingChannel,
  MemberGrade,
  SegmentCriteria,
} from '@crm/contracts';

/**
 * The attributes segments filter on, for one member, as the members service maps them from
 * its documents (health details decrypted, purchase figures summarized for "now").
 */
export interface SegmentMember {
  /** The member's ObjectId as 24 lowercase hex digits. */
  memberId: string;
  /** 'YYYY-MM-DD' (a calendar date, no time zone) or null. */
  birthDate: string | null;
  gender: Gender | null;
  region: string | null;
  homeStoreId: string | null;
  diseaseGroups: DiseaseGroup[];
  allergies: Allergen[];
  /** Full ATC codes (e.g. 'A10BA02'); criteria match them by prefix. */
  medicationAtc: string[];
  lastPurchaseAt: Date | null;
  purchases12m: number;
  spend12mCents: number;
  averageTicket12mCents: number | null;
  categories: string[];
  grade: MemberGrade;
  /** Channels on which the member currently grants marketing. */
  marketingChannels: MarketingChannel[];
  healthDataConsent: boolean;
}

export interface SegmentPreview {
  count: number;
  /** The first `sampleSize` matches in member-id order: the first page. */
  sample: string[];
}

export interface SegmentPage {
  memberIds: string[];
  /** The cursor for the next page (the last id of this one), or null after the last page. */
  next: string | null;
}

const CHINA_OFFSET_MS = 8 * 3600 * 1000;
const DAY_MS = 24 * 3600 * 1000;
const MEMBER_ID = /^[0-9a-f]{24}$/;
const INITIAL_CAPACITY = 1024;
/** Per member and list (medications, categories): list lengths are kept in a Uint16Array. */
const MAX_LIST = 0xffff;

type Column = Int32Array | Uint32Array | Uint16Array | Uint8Array | Float64Array;
/** Narrows a selection of slots in place; returns how many remain at its front. */
type Step = (sel: Int32Array, n: number) => number;

function grown<T extends Column>(column: T, capacity: number): T {
  const next = new (column.constructor as new (length: number) => T)(capacity);
  next.set(column);
  return next;
}

/**
 * Strings to small codes, from 1 so that 0 means "none". Never shrinks: the values (regions,
 * stores, categories, ATC codes, enum members) are few and stable.
 */
class Dictionary {
  private readonly codes = new Map<string, number>();
  private readonly values: string[] = [''];

  constructor(private readonly maxCodes = 2 ** 31 - 1) {}

  codeOf(value: string): number {
    let code = this.codes.get(value);
    if (code === undefined) {
      code = this.values.length;
      if (code > this.maxCodes) throw new RangeError(`too many distinct values (${value})`);
      this.codes.set(value, code);
      this.values.push(value);
    }
    return code;
  }

  /** A lookup table by code: 1 for the values that satisfy `test`, 0 for the others and for 0. */
  table(test: (value: string) => boolean): Uint8Array {
    const table = new Uint8Array(this.values.length);
    for (let code = 1; code < this.values.length; code++)
      table[code] = test(this.values[code]) ? 1 : 0;
    return table;
  }

  /** Bitmask of a set of values, one bit per code (valid while there are at most 31 codes). */
  mask(values: readonly string[], add: boolean): number {
    let mask = 0;
    for (const value of values) {
      const code = add ? this.codeOf(value) : (this.codes.get(value) ?? 0);
      if (code > 0) mask |= 1 << (code - 1);
    }
    return mask >>> 0;
  }
}

/**
 * Member ids as three 32-bit words per slot (so ids need no JS strings and compare as numbers
 * in the same order as their hex), plus an open-addressing hash table from id to slot.
 */
class MemberIds {
  hi = new Uint32Array(INITIAL_CAPACITY);
  mid = new Uint32Array(INITIAL_CAPACITY);
  lo = new Uint32Array(INITIAL_CAPACITY);
  /** slot + 1 per bucket; 0 = empty, -1 = deleted (probing continues past it). */
  private buckets = new Int32Array(INITIAL_CAPACITY * 2);
  private occupied = 0;

  grow(capacity: number): void {
    this.hi = grown(this.hi, capacity);
    this.mid = grown(this.mid, capacity);
    this.lo = grown(this.lo, capacity);
  }

  static parse(memberId: string): [number, number, number] {
    if (!MEMBER_ID.test(memberId)) throw new RangeError(`not a member id: ${memberId}`);
    const word = (i: number) => parseInt(memberId.slice(i * 8, i * 8 + 8), 16);
    return [word(0), word(1), word(2)];
  }

  hex(slot: number): string {
    const word = (w: number) => w.toString(16).padStart(8, '0');
    return word(this.hi[slot]) + word(this.mid[slot]) + word(this.lo[slot]);
  }

  find(hi: number, mid: number, lo: number): number {
    const mask = this.buckets.length - 1;
    for (let b = hash(hi, mid, lo) & mask; this.buckets[b] !== 0; b = (b + 1) & mask) {
      const slot = this.buckets[b] - 1;
      if (slot >= 0 && this.hi[slot] === hi && this.mid[slot] === mid && this.lo[slot] === lo) {
        return slot;
      }
    }
    return -1;
  }

  /** Records the id of a slot that `find` did not know. */
  add(slot: number, hi: number, mid: number, lo: number, live: number): void {
    this.hi[slot] = hi;
    this.mid[slot] = mid;
    this.lo[slot] = lo;
    // Keep the table at most half full (deleted buckets count) so probes stay short.
    if ((this.occupied + 1) * 2 > this.buckets.length) this.rehash(live + 1);
    const mask = this.buckets.length - 1;
    let b = hash(hi, mid, lo) & mask;
    while (this.buckets[b] > 0) b = (b + 1) & mask;
    if (this.buckets[b] === 0) this.occupied++;
    this.buckets[b] = slot + 1;
  }

  delete(slot: number): void {
    const mask = this.buckets.length - 1;
    let b = hash(this.hi[slot], this.mid[slot], this.lo[slot]) & mask;
    while (this.buckets[b] !== slot + 1) b = (b + 1) & mask;
    this.buckets[b] = -1;
  }

  private rehash(live: number): void {
    const old = this.buckets;
    let size = INITIAL_CAPACITY * 2;
    while (size < live * 4) size *= 2;
    this.buckets = new Int32Array(size);
    this.occupied = 0;
    const mask = size - 1;
    for (const entry of old) {
      if (entry <= 0) continue;
      const slot = entry - 1;
      let b = hash(this.hi[slot], this.mid[slot], this.lo[slot]) & mask;
      while (this.buckets[b] !== 0) b = (b + 1) & mask;
      this.buckets[b] = entry;
      this.occupied++;
    }
  }
}

function hash(hi: number, mid: number, lo: number): number {
  let h = Math.imul(lo ^ Math.imul(mid, 0x9e3779b1) ^ Math.imul(hi, 0x85ebca6b), 0xc2b2ae35);
  h ^= h >>> 15;
  return h >>> 0;
}

/**
 * A short list of dictionary codes per slot (medications, categories) in one shared pool. A
 * list that no longer fits where it was is appended at the end. When the pool is full it is
 * compacted, and doubled only if the live entries need it, so it stays under about twice
 * their size and an update costs amortized O(list length).
 */
class ListColumn {
  private start = new Int32Array(INITIAL_CAPACITY);
  private length = new Uint16Array(INITIAL_CAPACITY);
  private pool = new Int32Array(INITIAL_CAPACITY * 4);
  private used = 0;
  private garbage = 0;

  grow(capacity: number): void {
    this.start = grown(this.start, capacity);
    this.length = grown(this.length, capacity);
  }

  set(slot: number, codes: readonly number[]): void {
    const old = this.length[slot];
    let at = this.start[slot];
    if (codes.length <= old) {
      this.garbage += old - codes.length;
    } else {
      this.garbage += old;
      this.length[slot] = 0; // the old list is garbage now: compaction must not keep it
      if (this.used + codes.length > this.pool.length) this.makeRoom(codes.length);
      at = this.used;
      this.used += codes.length;
    }
    for (let i = 0; i < codes.length; i++) this.pool[at + i] = codes[i];
    this.start[slot] = at;
    this.length[slot] = codes.length;
  }

  clear(slot: number): void {
    this.set(slot, []);
  }

  /** Keeps the slots whose list holds a code marked in `table`. */
  keepAny(table: Uint8Array, sel: Int32Array, n: number): number {
    const { start, length, pool } = this;
    let kept = 0;
    for (let i = 0; i < n; i++) {
      const slot = sel[i];
      const end = start[slot] + length[slot];
      for (let j = start[slot]; j < end; j++) {
        if (table[pool[j]] === 1) {
          sel[kept++] = slot;
          break;
        }
      }
    }
    return kept;
  }

  private makeRoom(extra: number): void {
    const live = this.used - this.garbage;
    // Room for the live entries and the new list, twice over, so the next compaction is
    // at least as many appends away as this one copies.
    let size = this.pool.length;
    while (size < (live + extra) * 2) size *= 2;
    const pool = new Int32Array(size);
    let used = 0;
    for (let slot = 0; slot < this.start.length; slot++) {
      const from = this.start[slot];
      pool.set(this.pool.subarray(from, from + this.length[slot]), used);
      this.start[slot] = used;
      used += this.length[slot];
    }
    this.pool = pool;
    this.used = used;
    this.garbage = 0;
  }
}

/**
 * The members' segment attributes in typed-array columns, one slot per member, so criteria
 * are evaluated by scanning memory, never by a database query (FerretDB cannot index them,
 * and health details are encrypted at rest). Age, birthday and recency are evaluated
 * against `now` at query time; dates are China time (UTC+8).
 *
 * Results are ordered by member id (ObjectId hex order). Paging is by cursor, the last id
 * of the previous page: members added or removed meanwhile never make a page repeat or skip
 * a member that matched throughout; one added with a smaller id than the cursor is not seen.
 */
export class SegmentIndex {
  private readonly ids = new MemberIds();
  private capacity = INITIAL_CAPACITY;
  private slots = 0;
  private readonly freeSlots: number[] = [];
  private live = new Uint8Array(INITIAL_CAPACITY);
  /** Birth date as YYYYMMDD; 0 = unknown. */
  private birth = new Int32Array(INITIAL_CAPACITY);
  private gender = new Uint8Array(INITIAL_CAPACITY);
  private region = new Int32Array(INITIAL_CAPACITY);
  private store = new Int32Array(INITIAL_CAPACITY);
  private diseases = new Uint32Array(INITIAL_CAPACITY);
  private allergies = new Uint32Array(INITIAL_CAPACITY);
  private channels = new Uint32Array(INITIAL_CAPACITY);
  private healthConsent = new Uint8Array(INITIAL_CAPACITY);
  private grade = new Uint8Array(INITIAL_CAPACITY);
  /** Epoch milliseconds; NaN = never bought, so no recency bound matches it. */
  private lastPurchase = new Float64Array(INITIAL_CAPACITY);
  private purchases = new Float64Array(INITIAL_CAPACITY);
  private spend = new Float64Array(INITIAL_CAPACITY);
  /** NaN when the member has no sales in 12 months. */
  private averageTicket = new Float64Array(INITIAL_CAPACITY);
  private readonly medications = new ListColumn();
  private readonly categories = new ListColumn();
  private readonly dict = {
    gender: new Dictionary(255),
    region: new Dictionary(),
    store: new Dictionary(),
    atc: new Dictionary(),
    category: new Dictionary(),
    disease: new Dictionary(31),
    allergen: new Dictionary(31),
    channel: new Dictionary(31),
  };
  private members = 0;
  private scratch = new Int32Array(INITIAL_CAPACITY);

  get size(): number {
    return this.members;
  }

  has(memberId: string): boolean {
    return this.ids.find(...MemberIds.parse(memberId)) >= 0;
  }

  /** Adds a member or replaces all of its attributes. Throws on a malformed id or birth date. */
  upsert(member: SegmentMember): void {
    // Everything that can throw comes before the first write: a bad member changes nothing.
    const [hi, mid, lo] = MemberIds.parse(member.memberId);
    const { dict } = this;
    const birth = parseBirthDate(member.birthDate);
    const diseases = dict.disease.mask(member.diseaseGroups, true);
    const allergies = dict.allergen.mask(member.allergies, true);
    const channels = dict.channel.mask(member.marketingChannels, true);
    const gender = member.gender === null ? 0 : dict.gender.codeOf(member.gender);
    const medications = member.medicationAtc.map((code) => dict.atc.codeOf(code));
    const categories = member.categories.map((name) => dict.category.codeOf(name));
    if (Math.max(medications.length, categories.length) > MAX_LIST) {
      throw new RangeError(`a member's lists hold at most ${MAX_LIST} values`);
    }
    let slot = this.ids.find(hi, mid, lo);
    if (slot < 0) {
      slot = this.allocate();
      this.ids.add(slot, hi, mid, lo, this.members);
      this.live[slot] = 1;
      this.members++;
    }
    this.birth[slot] = birth;
    this.gender[slot] = gender;
    this.region[slot] = member.region === null ? 0 : dict.region.codeOf(member.region);
    this.store[slot] = member.homeStoreId === null ? 0 : dict.store.codeOf(member.homeStoreId);
    this.diseases[slot] = diseases;
    this.allergies[slot] = allergies;
    this.channels[slot] = channels;
    this.healthConsent[slot] = member.healthDataConsent ? 1 : 0;
    this.grade[slot] = member.grade;
    this.lastPurchase[slot] = member.lastPurchaseAt?.getTime() ?? NaN;
    this.purchases[slot] = member.purchases12m;
    this.spend[slot] = member.spend12mCents;
    this.averageTicket[slot] = member.averageTicket12mCents ?? NaN;
    this.medications.set(slot, medications);
    this.categories.set(slot, categories);
  }

  /** Forgets a member; its slot is reused. Returns false when the member was not indexed. */
  remove(memberId: string): boolean {
    const slot = this.ids.find(...MemberIds.parse(memberId));
    if (slot < 0) return false;
    this.ids.delete(slot);
    this.live[slot] = 0;
    this.medications.clear(slot);
    this.categories.clear(slot);
    this.freeSlots.push(slot);
    this.members--;
    return true;
  }

  /** How many members match, and the first `sampleSize` of them in member-id order. */
  preview(criteria: SegmentCriteria, sampleSize: number, now = new Date()): SegmentPreview {
    if (!Number.isInteger(sampleSize) || sampleSize < 0) {
      throw new RangeError('sampleSize must be 0 or more');
    }
    const n = this.select(criteria, now);
    return { count: n, sample: this.firstIds(n, null, sampleSize).ids };
  }

  /** Up to `limit` matching ids after the cursor `after` (exclusive), in member-id order. */
  page(
    criteria: SegmentCriteria,
    { after, limit }: { after?: string; limit: number },
    now = new Date(),
  ): SegmentPage {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError('limit must be 1 or more');
    const cursor = after === undefined ? null : MemberIds.parse(after);
    const n = this.select(criteria, now);
    const { ids, more } = this.firstIds(n, cursor, limit);
    return { memberIds: ids, next: more ? ids[ids.length - 1] : null };
  }

  /** Members born in `month` (1–12; 29 February in February), paged like `page`. */
  pageBirthMonth(month: number, { after, limit }: { after?: string; limit: number }): SegmentPage {
    if (!Number.isInteger(month) || month < 1 || month > 12)
      throw new RangeError('month must be 1 to 12');
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError('limit must be 1 or more');
    const cursor = after === undefined ? null : MemberIds.parse(after);
    const sel = this.scratch;
    let n = 0;
    for (let slot = 0; slot < this.slots; slot++) if (this.live[slot] === 1) sel[n++] = slot;
    const table = new Uint8Array(1232);
    for (let day = 1; day <= 31; day++) table[month * 100 + day] = 1;
    n = keepBirthdays(this.birth, table, sel, n);
    const { ids, more } = this.firstIds(n, cursor, limit);
    return { memberIds: ids, next: more ? ids[ids.length - 1] : null };
  }

  private allocate(): number {
    const free = this.freeSlots.pop();
    if (free !== undefined) return free;
    if (this.slots === this.capacity) this.grow(this.capacity * 2);
    return this.slots++;
  }

  private grow(capacity: number): void {
    this.capacity = capacity;
    this.ids.grow(capacity);
    this.medications.grow(capacity);
    this.categories.grow(capacity);
    this.live = grown(this.live, capacity);
    this.birth = grown(this.birth, capacity);
    this.gender = grown(this.gender, capacity);
    this.region = grown(this.region, capacity);
    this.store = grown(this.store, capacity);
    this.diseases = grown(this.diseases, capacity);
    this.allergies = grown(this.allergies, capacity);
    this.channels = grown(this.channels, capacity);
    this.healthConsent = grown(this.healthConsent, capacity);
    this.grade = grown(this.grade, capacity);
    this.lastPurchase = grown(this.lastPurchase, capacity);
    this.purchases = grown(this.purchases, capacity);
    this.spend = grown(this.spend, capacity);
    this.averageTicket = grown(this.averageTicket, capacity);
    this.scratch = new Int32Array(capacity);
  }

  /** Leaves the matching slots at the front of `scratch` and returns how many there are. */
  private select(criteria: SegmentCriteria, now: Date): number {
    const sel = this.scratch;
    let n = 0;
    for (let slot = 0; slot < this.slots; slot++) if (this.live[slot] === 1) sel[n++] = slot;
    for (const step of this.compile(criteria, now)) n = step(sel, n);
    return n;
  }

  private compile(c: SegmentCriteria, now: Date): Step[] {
    const { dict } = this;
    const steps: Step[] = [];
    const oneOf = (values: readonly (string | number)[]) => {
      const wanted = new Set(values.map(String));
      return (value: string) => wanted.has(value);
    };
    const onCodes = (column: Int32Array | Uint8Array, table: Uint8Array) =>
      steps.push((sel, n) => keepInTable(column, table, sel, n));
    const onRange = (column: Float64Array, range: IntegerRange | undefined) => {
      if (!range || (range.min === undefined && range.max === undefined)) return;
      const min = range.min ?? -Infinity;
      const max = range.max ?? Infinity;
      steps.push((sel, n) => keepInRange(column, min, max, sel, n));
    };
    const onFlags = (column: Uint32Array, mask: number) =>
      steps.push((sel, n) => keepAnyFlag(column, mask, sel, n));

    if (c.ageMin !== undefined || c.ageMax !== undefined) {
      const [min, max] = birthBoundsForAge(chinaDate(now), c.ageMin, c.ageMax);
      steps.push((sel, n) => keepInIntRange(this.birth, min, max, sel, n));
    }
    if (c.birthdayWithinDays !== undefined) {
      const table = birthdayTable(chinaDate(now), c.birthdayWithinDays);
      steps.push((sel, n) => keepBirthdays(this.birth, table, sel, n));
    }
    if (c.genders) onCodes(this.gender, dict.gender.table(oneOf(c.genders)));
    if (c.regions) onCodes(this.region, dict.region.table(oneOf(c.regions)));
    if (c.storeIds) onCodes(this.store, dict.store.table(oneOf(c.storeIds)));
    if (c.grades) onCodes(this.grade, gradeTable(c.grades));
    if (c.diseaseGroups) onFlags(this.diseases, dict.disease.mask(c.diseaseGroups, false));
    if (c.allergies) onFlags(this.allergies, dict.allergen.mask(c.allergies, false));
    if (c.consentChannel) onFlags(this.channels, dict.channel.mask([c.consentChannel], false));
    if (c.healthDataConsent !== undefined) {
      onCodes(
        this.healthConsent,
        Uint8Array.of(c.healthDataConsent ? 0 : 1, c.healthDataConsent ? 1 : 0),
      );
    }
    // Recency compares instants: "lapsed N days" and "within N days" split buyers exactly.
    if (c.lapsedDaysMin !== undefined) {
      onRange(this.lastPurchase, { max: now.getTime() - c.lapsedDaysMin * DAY_MS });
    }
    if (c.purchasedWithinDays !== undefined) {
      onRange(this.lastPurchase, { min: now.getTime() - c.purchasedWithinDays * DAY_MS + 1 });
    }
    onRange(this.purchases, c.purchases12m);
    onRange(this.spend, c.spend12mCents);
    onRange(this.averageTicket, c.averageTicket12mCents);
    if (c.medicationAtc) {
      const prefixes = c.medicationAtc;
      const table = dict.atc.table((code) => prefixes.some((prefix) => code.startsWith(prefix)));
      steps.push((sel, n) => this.medications.keepAny(table, sel, n));
    }
    if (c.categories) {
      const table = dict.category.table(oneOf(c.categories));
      steps.push((sel, n) => this.categories.keepAny(table, sel, n));
    }
    return steps;
  }

  /**
   * The `limit` smallest ids among the first `n` selected slots that sort after `cursor`,
   * ascending, and whether more follow. A bounded max-heap: O(n log limit), no full sort.
   */
  private firstIds(
    n: number,
    cursor: [number, number, number] | null,
    limit: number,
  ): { ids: string[]; more: boolean } {
    const { hi, mid, lo } = this.ids;
    const sel = this.scratch;
    // a < b in id order, comparing the words as unsigned numbers.
    const less = (a: number, b: number) =>
      hi[a] !== hi[b] ? hi[a] < hi[b] : mid[a] !== mid[b] ? mid[a] < mid[b] : lo[a] < lo[b];
    const afterCursor = (s: number) =>
      cursor === null ||
      (hi[s] !== cursor[0]
        ? hi[s] > cursor[0]
        : mid[s] !== cursor[1]
          ? mid[s] > cursor[1]
          : lo[s] > cursor[2]);
    const heap = new MaxHeap(limit, less);
    let matches = 0;
    for (let i = 0; i < n; i++) {
      const slot = sel[i];
      if (!afterCursor(slot)) continue;
      matches++;
      heap.offer(slot);
    }
    const ids = heap.sorted().map((slot) => this.ids.hex(slot));
    return { ids, more: matches > ids.length };
  }
}

/** Keeps the `capacity` smallest slots by `less`; the largest kept one is at the root. */
class MaxHeap {
  private readonly items: Int32Array;
  private size = 0;

  constructor(
    private readonly capacity: number,
    private readonly less: (a: number, b: number) => boolean,
  ) {
    this.items = new Int32Array(capacity);
  }

  offer(slot: number): void {
    const { items, less } = this;
    if (this.size < this.capacity) {
      let i = this.size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!less(items[parent], slot)) break;
        items[i] = items[parent];
        i = parent;
      }
      items[i] = slot;
    } else if (this.capacity > 0 && less(slot, items[0])) {
      let i = 0;
      for (;;) {
        let child = 2 * i + 1;
        if (child >= this.size) break;
        if (child + 1 < this.size && less(items[child], items[child + 1])) child++;
        if (!less(slot, items[child])) break;
        items[i] = items[child];
        i = child;
      }
      items[i] = slot;
    }
  }

  sorted(): number[] {
    return Array.from(this.items.subarray(0, this.size)).sort((a, b) => (this.less(a, b) ? -1 : 1));
  }
}

// The scan loops: one per column kind, so each stays monomorphic and cheap.

function keepInTable(
  column: Int32Array | Uint8Array,
  table: Uint8Array,
  sel: Int32Array,
  n: number,
) {
  let kept = 0;
  for (let i = 0; i < n; i++) if (table[column[sel[i]]] === 1) sel[kept++] = sel[i];
  return kept;
}

function keepInRange(column: Float64Array, min: number, max: number, sel: Int32Array, n: number) {
  let kept = 0;
  for (let i = 0; i < n; i++) {
    const value = column[sel[i]];
    if (value >= min && value <= max) sel[kept++] = sel[i]; // false for NaN: no value
  }
  return kept;
}

function keepInIntRange(column: Int32Array, min: number, max: number, sel: Int32Array, n: number) {
  let kept = 0;
  for (let i = 0; i < n; i++) {
    const value = column[sel[i]];
    if (value >= min && value <= max) sel[kept++] = sel[i];
  }
  return kept;
}

function keepAnyFlag(column: Uint32Array, mask: number, sel: Int32Array, n: number) {
  let kept = 0;
  for (let i = 0; i < n; i++) if ((column[sel[i]] & mask) !== 0) sel[kept++] = sel[i];
  return kept;
}

function keepBirthdays(birth: Int32Array, table: Uint8Array, sel: Int32Array, n: number) {
  let kept = 0;
  for (let i = 0; i < n; i++) if (table[birth[sel[i]] % 10000] === 1) sel[kept++] = sel[i];
  return kept;
}

// Calendar helpers. Dates are plain numbers: YYYYMMDD, or MMDD within a year.

interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

function chinaDate(now: Date): CalendarDate {
  const china = new Date(now.getTime() + CHINA_OFFSET_MS);
  return { year: china.getUTCFullYear(), month: china.getUTCMonth() + 1, day: china.getUTCDate() };
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/**
 * 'YYYY-MM-DD' as YYYYMMDD, checked to be a real date; 0 for null. Loading a million members
 * parses a million of these, so the digits are read directly (no regex, no Date).
 */
function parseBirthDate(value: string | null): number {
  if (value === null) return 0;
  const [year, month, day] = [digitsAt(value, 0, 4), digitsAt(value, 5, 2), digitsAt(value, 8, 2)];
  const valid =
    value.length === 10 &&
    value[4] === '-' &&
    value[7] === '-' &&
    year >= 1000 &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month);
  if (!valid) throw new RangeError(`birthDate must be a date as YYYY-MM-DD, got ${value}`);
  return year * 10000 + month * 100 + day;
}

/** The number written by `count` decimal digits at `from`, or -1 if any is not a digit. */
function digitsAt(text: string, from: number, count: number): number {
  let value = 0;
  for (let i = from; i < from + count; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (!(digit >= 0 && digit <= 9)) return -1;
    value = value * 10 + digit;
  }
  return value;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Age bounds as birth-date bounds (YYYYMMDD, inclusive): age ≥ A ⇔ born on or before today's
 * month-day A years ago. On 28 February of a common year today counts as 29 February, so
 * members born on 29 February turn a year older that day, as their birthday is kept then.
 */
function birthBoundsForAge(today: CalendarDate, ageMin = 0, ageMax = 200): [number, number] {
  const leapDay = today.month === 2 && today.day === 28 && !isLeapYear(today.year);
  const monthDay = leapDay ? 229 : today.month * 100 + today.day;
  const latest = (today.year - ageMin) * 10000 + monthDay;
  const earliest = (today.year - ageMax - 1) * 10000 + monthDay + 1;
  return [Math.max(earliest, 1), latest];
}

/** Month-days (MMDD) from today to `days` ahead, inclusive; 29 February kept on 28 February. */
function birthdayTable(today: CalendarDate, days: number): Uint8Array {
  const table = new Uint8Array(1232);
  const start = Date.UTC(today.year, today.month - 1, today.day);
  for (let i = 0; i <= days; i++) {
    const date = new Date(start + i * DAY_MS);
    const [month, day] = [date.getUTCMonth() + 1, date.getUTCDate()];
    table[month * 100 + day] = 1;
    if (month === 2 && day === 28 && !isLeapYear(date.getUTCFullYear())) table[229] = 1;
  }
  return table;
}

function gradeTable(grades: readonly number[]): Uint8Array {
  const table = new Uint8Array(256);
  for (const grade of grades) table[grade] = 1;
  return table;
}
