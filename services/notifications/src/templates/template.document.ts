import type { NotificationTemplateRequest } from '@crm/contracts';

/** One version of a template: `_id` is `<key>:v<n>`, inserted once, never changed. */
export interface TemplateDocument extends NotificationTemplateRequest {
  _id: string;
  version: number;
  createdAt: Date;
  createdBy?: string;
}
