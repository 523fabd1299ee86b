/**
 * The effects journal against the real MongoDB-wire server: a step's after-effects that failed
 * are applied by its own replica's recovery pass; those of a replica that died (it stops
 * renewing its page) by another replica's, once the lease has run out and not before; a page
 * goes from the journal once its minute is over and nothing under it is owed.
 */
import { randomUUID } from 'node:crypto';
import type { ReceiveComplaintCommand } from '@crm/contracts';
import type { GrantCompensation } from '../compensation/grant-compensation';
import { type CasePipeline, openCasePipeline } from './case-pipeline.int-support';
import { ComplaintsRecovery } from './complaints-recovery';
import { EffectsJournal } from './effects-journal';
import { EffectsJournalRepository } from './effects-journal.repository';

const desk = { sub: 'E-desk', roles: ['desk_agent'] };
const LEASE_MS = 800;
const MINUTE = 60_000;

describe('the effects journal', () => {
  let pipeline: CasePipeline;
  let pages: EffectsJournalRepository;
  /** Another replica: its own journal and recovery pass on the same database. */
  let other: { journal: EffectsJournal; recovery: ComplaintsRecovery };
  let recovery: ComplaintsRecovery;

  const recoveryOf = (journal: EffectsJournal) => {
    const { versions, effects, config, clock, logger } = pipeline;
    // No compensation is decided in these cases: loyalty is never asked.
    return new ComplaintsRecovery(
      versions,
      effects,
      journal,
      {} as GrantCompensation,
      config,
      clock,
      logger,
    );
  };

  // A pipeline each, so no replica's memory of its pages outlives its test.
  beforeEach(async () => {
    pipeline = await openCasePipeline('test_complaint_effects_journal');
    pipeline.config.COMPLAINTS_EFFECTS_LEASE_MS = LEASE_MS;
    pages = new EffectsJournalRepository(pipeline.connection);
    recovery = recoveryOf(pipeline.journal);
    const journal = new EffectsJournal(pages, pipeline.config, pipeline.logger);
    other = { journal, recovery: recoveryOf(journal) };
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await pipeline.close();
  });

  /** An intake whose effects fail after its insert, as if its replica died there. */
  const receiveFailing = async () => {
    jest.spyOn(pipeline.effects, 'apply').mockRejectedValueOnce(new Error('killed'));
    const view = await pipeline.receive.execute(
      {
        channel: 'store',
        category: 'quality',
        severity: 'medium',
        storeId: 'S001',
        sku: 'SKU-1',
        batch: `B-${randomUUID().slice(0, 6)}`,
        description: 'Cracked tablets',
        idempotencyKey: randomUUID(),
      } as ReceiveComplaintCommand,
      desk,
    );
    return view.id;
  };

  it('puts every step under its replica page, and keeps the page while its effects are owed', async () => {
    const id = await receiveFailing();
    expect(await pipeline.cases.stamp(id)).toBeNull();
    const intake = (await pipeline.versions.ofCase(id))[0]!;
    expect(intake.effectsJournal).toMatch(new RegExp(`^${pipeline.journal.holder}:`));
    expect((await pages.pages()).map((page) => page._id)).toEqual([intake.effectsJournal]);
    // Owed: past its minute the page is renewed, not flushed.
    await pipeline.journal.renewAndFlush(Date.now() + 2 * MINUTE);
    expect(await pages.pages()).toHaveLength(1);

    await recovery.runOnce();
    expect(await pipeline.cases.stamp(id)).toEqual({ version: 1, memberId: null });
    expect(pipeline.journal.owedHere()).toEqual([]);
    // Within its minute the page stays; once it is over, it goes.
    await pipeline.journal.renewAndFlush(Date.now());
    expect(await pages.pages()).toHaveLength(1);
    await pipeline.journal.renewAndFlush(Date.now() + 2 * MINUTE);
    expect(await pages.pages()).toEqual([]);
  });

  it("applies a dead replica's steps once its lease has run out, and not before", async () => {
    const id = await receiveFailing();
    // Its replica is gone: nobody renews the page or retries the step.
    expect(await other.journal.lapsed()).toEqual([]);
    await other.recovery.runOnce();
    expect(await pipeline.cases.stamp(id)).toBeNull();

    await new Promise((resolve) => setTimeout(resolve, LEASE_MS + 200));
    await other.recovery.runOnce();
    expect(await pipeline.cases.stamp(id)).toEqual({ version: 1, memberId: null });
    expect(await pages.pages()).toEqual([]);
  });

  it('a replica that finds its page taken over holds it again', async () => {
    const id = await receiveFailing();
    const [page] = await pages.pages();
    await pages.take(page!._id, other.journal.holder, new Date(Date.now() + LEASE_MS));
    await pipeline.journal.renewAndFlush();
    expect((await pages.pages())[0]).toMatchObject({
      _id: page!._id,
      holder: pipeline.journal.holder,
    });
    // The other's flush after its takeover leaves the page that is held again.
    await pages.flush(page!._id, other.journal.holder);
    expect(await pages.pages()).toHaveLength(1);
    await recovery.runOnce();
    expect(await pipeline.cases.stamp(id)).toEqual({ version: 1, memberId: null });
  });
});
