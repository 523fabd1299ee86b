import type { CallTaskStatus, NotificationPurpose } from '@crm/contracts';

/** A call for staff to make: `call:<messageId>`, inserted once with its message's decision. */
export interface CallTaskDocument {
  _id: string;
  messageId: string;
  memberId: string;
  storeId: string | null;
  purpose: NotificationPurpose;
  status: CallTaskStatus;
  /** The rendered text; removed on erasure like every message's content. */
  script: string;
  dueAt: Date;
  createdAt: Date;
}
