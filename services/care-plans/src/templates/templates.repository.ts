import { Injectable, OnModuleInit } from '@nestjs/common';
import type { Connection, mongo } from 'mongoose';
import type { CarePlanTemplateRequest } from '@crm/contracts';
import { insertOnce } from '@crm/messaging';
import { dbSpan } from '@crm/observability';
import { ensureIndexes, InjectMongo } from '@crm/service-kit';
import { DEFAULT_TEMPLATES } from './default-templates';

/** One version of a template: `_id` is `<templateId>:v<n>`, inserted once, never changed. */
export interface TemplateDocument extends CarePlanTemplateRequest {
  _id: string;
  version: number;
  createdAt: Date;
  createdBy?: string;
}

const COLLECTION = 'care_plan_templates';
const MAX_RACES = 5;

@Injectable()
export class TemplatesRepository implements OnModuleInit {
  readonly collection: mongo.Collection<TemplateDocument>;

  constructor(@InjectMongo() connection: Connection) {
    this.collection = connection.db!.collection<TemplateDocument>(COLLECTION);
  }

  /** Seeds version 1 of each starting template; a replica starting beside another collides harmlessly. */
  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.collection as never, [{ key: { templateId: 1 }, name: 'template' }]);
    const at = new Date();
    for (const template of DEFAULT_TEMPLATES)
      await insertOnce(() =>
        this.collection.insertOne({
          ...template,
          _id: `${template.templateId}:v1`,
          version: 1,
          createdAt: at,
        }),
      );
  }

  async latest(templateId: string): Promise<TemplateDocument | null> {
    const found = await dbSpan(COLLECTION, 'find', () =>
      this.collection.find({ templateId }, { sort: { version: -1 }, limit: 1 }).toArray(),
    );
    return found[0] ?? null;
  }

  /** The newest version of every template. */
  async all(): Promise<TemplateDocument[]> {
    const docs = await dbSpan(COLLECTION, 'find', () => this.collection.find({}).toArray());
    const newest = new Map<string, TemplateDocument>();
    for (const doc of docs)
      if ((newest.get(doc.templateId)?.version ?? 0) < doc.version) newest.set(doc.templateId, doc);
    return [...newest.values()].sort((a, b) => a.templateId.localeCompare(b.templateId));
  }

  /** Saves the next version; of two admins saving at once both get their own version, in turn. */
  async saveNext(template: CarePlanTemplateRequest, by?: string): Promise<TemplateDocument> {
    for (let race = 0; race < MAX_RACES; race++) {
      const version = ((await this.latest(template.templateId))?.version ?? 0) + 1;
      const doc: TemplateDocument = {
        ...template,
        _id: `${template.templateId}:v${version}`,
        version,
        createdAt: new Date(),
        ...(by ? { createdBy: by } : {}),
      };
      if (
        await insertOnce(() => dbSpan(COLLECTION, 'insert', () => this.collection.insertOne(doc)))
      )
        return doc;
    }
    throw new Error(`template ${template.templateId}: versions kept racing`);
  }
}
