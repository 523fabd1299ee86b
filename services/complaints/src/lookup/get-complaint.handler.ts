import { Injectable } from '@nestjs/common';
import type { ComplaintView, GetComplaintRequest } from '@crm/contracts';
import type { RpcActor } from '@crm/messaging';
import { inSpan } from '@crm/observability';
import { assertMayHandleCase } from '../access/case-access';
import { CaseReader } from './case-reader';

/** A case with its whole history, read from its versions; store staff see their store's only. */
@Injectable()
export class GetComplaint {
  constructor(private readonly reader: CaseReader) {}

  execute(request: GetComplaintRequest, actor: RpcActor | undefined): Promise<ComplaintView> {
    return inSpan('complaints.get', async () => {
      const { steps, state } = await this.reader.load(request.id);
      assertMayHandleCase(actor, state.storeId, 'read this complaint');
      return this.reader.viewOf(steps, state);
    });
  }
}
