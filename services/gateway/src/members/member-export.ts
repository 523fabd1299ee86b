import {
  ErrorCode,
  type ExportPart,
  isErrorPayload,
  type MemberDataExport,
  type MemberExport,
  type MemberPrivacyRequest,
  Subjects,
} from '@crm/contracts';
import type { NatsRpcClient, RpcActor } from '@crm/messaging';

/**
 * The services that answer for their own part of a member's export, besides the members
 * service (whose record says whether the member exists). A service joins the export with one
 * line here: its subject takes `{ id }` and answers with its part (notifications next).
 */
export const EXPORT_SOURCES: readonly { service: string; subject: string }[] = [
  { service: 'loyalty', subject: Subjects.loyalty.export },
  { service: 'care-plans', subject: Subjects.carePlans.export },
  { service: 'complaints', subject: Subjects.complaints.export },
  { service: 'notifications', subject: Subjects.notifications.export },
];

export type AnsweredPart = ExportPart & { data?: unknown };

/** How a service's answer (or its failure) shows in the export. */
export function partOf(answer: PromiseSettledResult<unknown>): AnsweredPart {
  if (answer.status === 'fulfilled') return { status: 'ok', data: answer.value };
  const error = answer.reason as unknown;
  const code = isErrorPayload(error) ? error.code : ErrorCode.INTERNAL;
  const message = isErrorPayload(error) ? error.message : 'The service failed to answer';
  const status =
    code === ErrorCode.UPSTREAM_TIMEOUT
      ? 'timeout'
      : code === ErrorCode.UPSTREAM_UNAVAILABLE
        ? 'unavailable'
        : 'error';
  return { status, error: { code, message } };
}

/** The members service's export at the top level (v1 callers read it there) and every part. */
export function composeExport(
  memberId: string,
  members: MemberExport,
  parts: Record<string, AnsweredPart>,
): MemberDataExport {
  return {
    ...members,
    memberId,
    complete: Object.values(parts).every((part) => part.status === 'ok'),
    services: { members: { status: 'ok' }, ...parts } as MemberDataExport['services'],
  };
}

/**
 * Asks every service at once, each within the gateway's NATS timeout. The members service's
 * answer decides: an unknown or erased member is its 404, and its failure fails the export
 * (without the record there is no copy to give). Another service that fails or does not answer
 * in time is named in its part and `complete` is false: the desk sees the copy is partial and
 * asks again, rather than handing over an incomplete copy as if it were whole.
 */
export async function collectExport(
  rpc: NatsRpcClient,
  request: MemberPrivacyRequest,
  actor: RpcActor,
): Promise<MemberDataExport> {
  const [members, ...others] = await Promise.allSettled([
    rpc.request<MemberExport>(Subjects.members.export, request, actor),
    ...EXPORT_SOURCES.map((source) => rpc.request<unknown>(source.subject, request, actor)),
  ]);
  if (members!.status === 'rejected') throw members!.reason;
  const parts = Object.fromEntries(
    EXPORT_SOURCES.map((source, index) => [source.service, partOf(others[index]!)]),
  );
  return composeExport(request.id, members!.value, parts);
}
