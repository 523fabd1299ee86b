import {
  Subjects,
  type AppendImportPartReply,
  type ImportJobView,
  type StartImportRequest,
} from '@crm/contracts';
import { forEachConcurrently, type NatsRpcClient, type RpcActor } from '@crm/messaging';
import { splitIntoParts } from './import-parts';

/** Parts on the wire at once: enough to hide round trips, few enough to spare the store. */
const PARTS_IN_FLIGHT = 4;

/**
 * Hands an import file to the members service: opens a job, sends the file in parts that fit
 * NATS messages (a resent part is stored once), then commits, which queues the job. If the
 * gateway stops half-way the job stays `receiving` and the members service gives it up later.
 */
export async function uploadImport(
  rpc: NatsRpcClient,
  request: StartImportRequest,
  staff: RpcActor,
): Promise<ImportJobView> {
  const { content, ...job } = request;
  const opened = await rpc.request<ImportJobView>(Subjects.members.imports.create, job, staff);
  const parts = splitIntoParts(content);
  await forEachConcurrently([...parts.keys()], PARTS_IN_FLIGHT, (seq) =>
    rpc.request<AppendImportPartReply>(
      Subjects.members.imports.append,
      { jobId: opened.id, seq, data: parts[seq] },
      staff,
    ),
  );
  return rpc.request<ImportJobView>(
    Subjects.members.imports.commit,
    { jobId: opened.id, parts: parts.length },
    staff,
  );
}
