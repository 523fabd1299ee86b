/**
 * The SLA scan against the real MongoDB-wire server: it reaches every open case past a due time
 * however many there are (a limit once handed each scan the same first 500, and the rest were
 * never escalated), a round is scanned by one replica, and a replica does not insert again the
 * claims it has seen stored.
 */
import { randomUUID } from 'node:crypto';
import type { ReceiveComplaintCommand } from '@crm/contracts';
import { type CasePipeline, openCasePipeline } from '../cases/case-pipeline.int-support';
import type { CaseVersion } from '../cases/case-version';
import type { CaseDocument } from '../cases/cases.repository';
import type { ComplaintsOutbox } from '../events/complaints-outbox';
import { JobRoundsRepository } from '../jobs/job-rounds.repository';
import { SlaBreachScan } from './sla-breach-scan';
import { SlaBreachesRepository } from './sla-breaches.repository';

const DAY = 86_400_000;

describe('the SLA scan', () => {
  let pipeline: CasePipeline;
  let breaches: SlaBreachesRepository;
  let scan: SlaBreachScan;

  beforeAll(async () => {
    pipeline = await openCasePipeline('test_complaint_sla_scan');
    breaches = new SlaBreachesRepository(pipeline.connection);
    await breaches.onModuleInit();
    scan = replica();
  });

  /** A replica's scan, with its own memory of the claims it has seen. */
  const replica = () =>
    new SlaBreachScan(
      pipeline.cases,
      pipeline.effects,
      pipeline.rollups,
      breaches,
      pipeline.slaSettings,
      { nudge: () => undefined } as unknown as ComplaintsOutbox,
      pipeline.markers,
      new JobRoundsRepository(pipeline.connection),
      pipeline.config,
      pipeline.clock,
      pipeline.logger,
    );

  afterAll(() => pipeline.close());

  it('scans a round on the one replica that claims it', async () => {
    const replicas = [replica(), replica()];
    const scans = replicas.map((r) => jest.spyOn(r, 'runOnce'));
    await Promise.all(
      replicas.map((r) => (r as unknown as { runRound(): Promise<void> }).runRound()),
    );
    expect(scans.map((s) => s.mock.calls.length).sort()).toEqual([0, 1]);
  });

  it('finds every open case past a due time, beyond any page of them', async () => {
    const past = new Date(Date.now() - 30 * DAY);
    const overdue = Array.from(
      { length: 620 },
      (_, i) =>
        ({
          _id: `OVERDUE-${String(i).padStart(4, '0')}`,
          status: i % 2 ? 'accepted' : 'investigating',
          firstRespondedAt: past,
          sla: { firstResponseDueAt: past, resolutionDueAt: past },
          breached: [],
        }) as unknown as CaseDocument,
    );
    const notDue = [
      { ...overdue[0]!, _id: 'NOT-DUE', sla: { resolutionDueAt: new Date(Date.now() + DAY) } },
      { ...overdue[0]!, _id: 'RESOLVED', status: 'resolved' },
    ] as CaseDocument[];
    await pipeline.cases.collection.insertMany([...overdue, ...notDue]);
    const found = await pipeline.cases.openDueBefore(new Date());
    expect(found.map((c) => c._id).sort()).toEqual(overdue.map((c) => c._id));
    await pipeline.cases.collection.deleteMany({});
  });

  it('claims each reminder and escalation once, and a replica does not insert them again', async () => {
    const ids: string[] = [];
    for (const storeId of ['S001', 'S002'])
      ids.push(
        (
          await pipeline.receive.execute(
            {
              channel: 'store',
              category: 'service',
              severity: 'high',
              storeId,
              description: 'Nobody called back',
              idempotencyKey: randomUUID(),
            } as ReceiveComplaintCommand,
            { sub: 'E-clerk', roles: ['store_clerk'], storeId },
          )
        ).id,
      );
    // A month on, every target of both cases is past HQ's level.
    const later = new Date(Date.now() + 30 * DAY);
    const claim = jest.spyOn(breaches, 'claim');
    const first = await scan.runOnce(later);
    // Two reminders and three levels for each of two targets, for each case.
    expect(first).toBe(2 * 8);
    const attempts = claim.mock.calls.length;
    expect(attempts).toBe(2 * 8);
    expect(await scan.runOnce(later)).toBe(0);
    expect(claim.mock.calls.length).toBe(attempts);
    // Another replica knows none: it tries each once and claims none.
    expect(await replica().runOnce(later)).toBe(0);
    expect(claim.mock.calls.length).toBe(2 * attempts);
    for (const id of ids) {
      const projected = await pipeline.cases.collection.findOne({ _id: id });
      expect(projected!.breached.sort()).toEqual(['firstResponse', 'resolution']);
    }
  });
  it('projects the case again after marking a breach, so a step projected meanwhile stands', async () => {
    const actor = { sub: 'E-clerk', roles: ['store_clerk'], storeId: 'S003' };
    const { id } = await pipeline.receive.execute(
      {
        channel: 'store',
        category: 'service',
        severity: 'high',
        storeId: 'S003',
        description: 'Still waiting for a call',
        idempotencyKey: randomUUID(),
      } as ReceiveComplaintCommand,
      actor,
    );
    const markBreached = jest.spyOn(pipeline.cases, 'markBreached');
    markBreached.mockImplementationOnce(async (caseId, _storeId, target, buckets) => {
      // The local store's update as it runs: the case is read, ...
      const asRead = (await pipeline.cases.collection.findOne({ _id: caseId }))!;
      // ... a desk moves it and the move is projected (and checked) meanwhile, ...
      await pipeline.versions.insert({
        _id: `${caseId}:v2`,
        caseId,
        version: 2,
        action: 'investigate',
        actor: { staffId: 'E-desk', role: 'desk_agent', storeId: null },
        at: new Date(),
        note: null,
        before: 'accepted',
        after: 'investigating',
        change: { assignee: 'E-desk' },
      } as CaseVersion);
      await pipeline.effects.apply(caseId, { pending: [`${caseId}:v2`] });
      expect((await pipeline.cases.stamp(caseId))!.version).toBe(2);
      // ... then the case goes back as it was read, with the breach.
      await pipeline.cases.collection.replaceOne(
        { _id: caseId },
        { ...asRead, breached: [...asRead.breached, target], ...buckets },
      );
    });
    await scan.runOnce(new Date(Date.now() + 30 * DAY));
    markBreached.mockRestore();
    const projected = (await pipeline.cases.collection.findOne({ _id: id }))!;
    expect(projected.version).toBe(2);
    expect(projected.status).toBe('investigating');
    expect(projected.assignee).toBe('E-desk');
    expect(projected.breached).toContain('resolution');
  });
});
