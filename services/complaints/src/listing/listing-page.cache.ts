import { Injectable } from '@nestjs/common';
import { ListingGenerations } from './listing-generations';
import type { ListedCase, ListingPage } from './listing-page';

/** Past this many (some 20–50 MB of cases), the least recently filled page is dropped. */
const MOST_PAGES = 1_000;
/** A kept page is walked again after this long even if its generation stands (see below). */
const MOST_PAGE_AGE_MS = 60_000;

interface KeptPage<C> {
  generation: string | null;
  keptAt: number;
  page: Promise<ListingPage<C>>;
}

/**
 * First pages of listings, kept in each replica's memory: a page whose listing did not change
 * costs one read (its listing's generation, a small document by `_id`) instead of a walk of
 * markers and buckets. Each replica owns its own copy and tells no other: every write to a case
 * changes the generation of its store's listings and of the chain's after it lands
 * (`CasesRepository`, `listing-generations.ts`), and a page is kept under the generation read before its walk began, so
 * it holds every write whose change was there to be read. Readers that read one generation
 * while its walk is under way share that walk.
 *
 * A writer that dies between its write and the change leaves the generation as it was: the
 * recovery pass redoes the step's effects (the change with them), and the age limit on a kept
 * page (a minute) bounds how long a replica may serve the page from before it meanwhile.
 * Later pages (with a cursor) are walked every time: they are asked for far less often.
 */
@Injectable()
export class ListingPageCache {
  private readonly pages = new Map<string, KeptPage<ListedCase>>();

  constructor(private readonly generations: ListingGenerations) {}

  /**
   * The first page of a listing: kept, or walked now. `storeId`: the store the listing is bound
   * to (undefined: the chain's); `key`: everything else that shapes the page (filters, size).
   */
  async firstPage<C extends ListedCase>(
    storeId: string | undefined,
    key: string,
    walk: () => Promise<ListingPage<C>>,
  ): Promise<ListingPage<C>> {
    const generation = await this.generations.current(storeId);
    const pageKey = `${storeId ?? '*'}|${key}`;
    const now = Date.now();
    const kept = this.pages.get(pageKey) as KeptPage<C> | undefined;
    if (kept && kept.generation === generation && now - kept.keptAt <= MOST_PAGE_AGE_MS)
      return kept.page;
    const fill: KeptPage<C> = { generation, keptAt: now, page: walk() };
    this.pages.delete(pageKey);
    this.pages.set(pageKey, fill as KeptPage<ListedCase>);
    if (this.pages.size > MOST_PAGES) this.pages.delete(this.pages.keys().next().value!);
    fill.page.catch(() => {
      if (this.pages.get(pageKey) === (fill as KeptPage<ListedCase>)) this.pages.delete(pageKey);
    });
    return fill.page;
  }
}
