/**
 * A transition racing `member.erased` / `member.merged`, against the real MongoDB-wire server,
 * interleaved at exact points: the member event runs after the transition read the case and
 * before its step goes in, or after its projection read the steps and before it is written.
 * Either way the old member is nowhere on the case afterwards: not on a step, not in the
 * projection, not in the member's timeline, and the erased person's contact details are gone
 * from the new step too.
 */
import { randomUUID } from 'node:crypto';
import type { ComplaintTransitionCommand, ReceiveComplaintCommand } from '@crm/contracts';
import { type CasePipeline, openCasePipeline } from '../cases/case-pipeline.int-support';
import type { CaseVersionsRepository } from '../cases/case-versions.repository';
import type { CasesRepository } from '../cases/cases.repository';
import type { GrantCompensation } from '../compensation/grant-compensation';
import type { ReceiveComplaint } from '../intake/receive-complaint.handler';
import type { CaseReader } from '../lookup/case-reader';
import { MemberTimeline } from '../timeline/member-timeline.handler';
import { TransitionComplaint } from '../workflow/transition-complaint.handler';
import { MemberRecords } from './member-records';

const desk = { sub: 'E-desk', roles: ['desk_agent'] };
const PHONE = '13800138000';

describe('a transition racing member erasure and merge', () => {
  let pipeline: CasePipeline;
  let versions: CaseVersionsRepository;
  let cases: CasesRepository;
  let records: MemberRecords;
  let receive: ReceiveComplaint;
  let transition: TransitionComplaint;
  let timeline: MemberTimeline;
  let reader: CaseReader;

  beforeAll(async () => {
    pipeline = await openCasePipeline('test_complaint_members');
    ({ versions, cases, receive, reader } = pipeline);
    const { effects, feedback, config, clock, logger } = pipeline;
    records = new MemberRecords(versions, effects, feedback, logger);
    // No compensation is given in these cases: loyalty is never asked.
    const grant = {} as GrantCompensation;
    transition = new TransitionComplaint(
      versions,
      reader,
      effects,
      pipeline.journal,
      grant,
      records,
      config,
      clock,
      logger,
    );
    timeline = new MemberTimeline(versions);
  });

  afterAll(() => pipeline.close());

  afterEach(() => jest.restoreAllMocks());

  const newCase = async (memberId: string) =>
    receive.execute(
      {
        memberId,
        channel: 'hotline',
        category: 'service',
        severity: 'medium',
        storeId: 'S001',
        description: `Rude answer at the counter; call me on ${PHONE}`,
        idempotencyKey: randomUUID(),
      } as ReceiveComplaintCommand,
      desk,
    );

  const investigate = (id: string): ComplaintTransitionCommand =>
    ({
      id,
      action: 'investigate',
      assignee: 'E-desk',
      note: `Member asks to be called back on ${PHONE}`,
    }) as ComplaintTransitionCommand;

  /** Runs `event` once, just before the first call of `method` on `target` goes on. */
  function before<T extends object>(target: T, method: keyof T, event: () => Promise<unknown>) {
    const original = (target[method] as (...args: unknown[]) => Promise<unknown>).bind(target);
    let fired = false;
    jest.spyOn(target, method as never).mockImplementation((async (...args: unknown[]) => {
      if (!fired) {
        fired = true;
        await event();
      }
      return original(...args);
    }) as never);
  }

  const memberId = () => randomUUID().replace(/-/g, '').slice(0, 24);

  it('an erasure between the read and the insert of a step leaves no trace of the person', async () => {
    const person = memberId();
    const complaint = await newCase(person);
    before(versions, 'insert', () => records.erase({ memberId: person, erasedAt: '' }));

    const moved = await transition.execute(investigate(complaint.id), desk);

    expect(moved.status).toBe('investigating');
    expect(moved.memberId).toBeNull();
    const steps = await versions.ofCase(complaint.id);
    expect(steps.map((s) => s.version)).toEqual([1, 2]);
    expect(steps.filter((s) => s.memberId === person || s.intake?.memberId === person)).toEqual([]);
    expect(JSON.stringify(steps.map(({ outbox: _o, ...s }) => s))).not.toContain(PHONE);
    expect(await cases.stamp(complaint.id)).toEqual({ version: 2, memberId: null });
    expect((await timeline.execute({ memberId: person })).items).toEqual([]);
  });

  it('a merge between the read and the insert of a step moves the whole case', async () => {
    const [merged, survivor] = [memberId(), memberId()];
    const complaint = await newCase(merged);
    before(versions, 'insert', () =>
      records.merge({ mergedId: merged, survivorId: survivor, mergedAt: '' }),
    );

    await transition.execute(investigate(complaint.id), desk);

    expect((await versions.ofCase(complaint.id)).some((s) => s.memberId === merged)).toBe(false);
    expect(await cases.stamp(complaint.id)).toEqual({ version: 2, memberId: survivor });
    expect((await reader.view(complaint.id)).memberId).toBe(survivor);
    expect((await timeline.execute({ memberId: merged })).items).toEqual([]);
    const items = (await timeline.execute({ memberId: survivor })).items;
    expect(items.map((i) => i.id)).toEqual([`${complaint.id}:v2`, `${complaint.id}:v1`]);
  });

  it("an erasure between a step's projection read and its write leaves the projection without the person", async () => {
    const person = memberId();
    const complaint = await newCase(person);
    // The transition's projection has folded the steps (the member still on them); the
    // erasure runs and projects; then the transition's stale projection is written.
    before(cases, 'project', () => records.erase({ memberId: person, erasedAt: '' }));

    await transition.execute(investigate(complaint.id), desk);

    const projected = await cases.collection.findOne({ _id: complaint.id });
    expect(projected).toMatchObject({ version: 2, memberId: null });
    expect(projected!.description).not.toContain(PHONE);
  });

  it('an erasure redelivered, and one of a member with no cases, change nothing', async () => {
    const person = memberId();
    const complaint = await newCase(person);
    expect(await records.erase({ memberId: person, erasedAt: '' })).toBe(1);
    const once = await versions.ofCase(complaint.id);
    expect(await records.erase({ memberId: person, erasedAt: '' })).toBe(0);
    expect(await versions.ofCase(complaint.id)).toEqual(once);
    expect(await records.erase({ memberId: memberId(), erasedAt: '' })).toBe(0);
  });
});
