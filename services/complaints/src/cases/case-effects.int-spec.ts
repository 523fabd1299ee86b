/**
 * The projection's check against the real MongoDB-wire server, with two replicas' effects
 * interleaved at an exact point. FerretDB runs a conditional update as a read, then a write of
 * the whole case: a replica projecting version 2 may have read the case before another
 * projected (and checked) version 3, and write version 2 after it. Its own check then finds
 * its own version projected, but a newer step: it projects that one.
 */
import { randomUUID } from 'node:crypto';
import type { ReceiveComplaintCommand } from '@crm/contracts';
import { type CasePipeline, openCasePipeline } from './case-pipeline.int-support';
import { type CaseVersion, versionId } from './case-version';
import type { CaseDocument } from './cases.repository';

describe('a case projected by two replicas at once', () => {
  let pipeline: CasePipeline;

  beforeAll(async () => {
    pipeline = await openCasePipeline('test_complaint_effects');
  });

  afterAll(() => pipeline.close());

  afterEach(() => jest.restoreAllMocks());

  const step = (caseId: string, version: number, after: 'investigating' | 'resolved') =>
    ({
      _id: versionId(caseId, version),
      caseId,
      version,
      action: after === 'investigating' ? 'investigate' : 'resolve',
      actor: { staffId: 'E-desk', role: 'desk_agent', storeId: null },
      at: new Date(),
      note: null,
      before: after === 'investigating' ? 'accepted' : 'investigating',
      after,
      change: after === 'investigating' ? { assignee: 'E-desk' } : { resolution: 'Refunded' },
    }) as CaseVersion;

  it('leaves the newest version projected when an older one is written last', async () => {
    const { id } = await pipeline.receive.execute(
      {
        memberId: `M-${randomUUID().slice(0, 8)}`,
        channel: 'hotline',
        category: 'service',
        severity: 'medium',
        storeId: 'S002',
        description: 'Nobody called back',
        idempotencyKey: randomUUID(),
      } as ReceiveComplaintCommand,
      { sub: 'E-desk', roles: ['desk_agent'] },
    );
    await pipeline.versions.insert(step(id, 2, 'investigating'));
    const project = pipeline.cases.project.bind(pipeline.cases);
    jest.spyOn(pipeline.cases, 'project').mockImplementationOnce(async (doc: CaseDocument) => {
      // Replica A read the case (at version 1) for its update of version 2; meanwhile replica B
      // inserts version 3 and projects and checks it, ...
      await pipeline.versions.insert(step(id, 3, 'resolved'));
      await pipeline.effects.apply(id, { pending: [versionId(id, 3)] });
      expect((await pipeline.cases.stamp(id))!.version).toBe(3);
      // ... then A's write lands, the whole case as A made it.
      const asRead = (await pipeline.cases.collection.findOne({ _id: id }))!;
      const { breached, ...fields } = doc;
      await pipeline.cases.collection.replaceOne({ _id: id }, { ...asRead, ...fields, breached });
      expect((await pipeline.cases.stamp(id))!.version).toBe(2);
      return project(doc); // writes version 2 again: it is what stands
    });
    await pipeline.effects.apply(id, { pending: [versionId(id, 2)] });
    const projected = (await pipeline.cases.collection.findOne({ _id: id }))!;
    expect(projected).toMatchObject({ version: 3, status: 'resolved' });
  });
});
