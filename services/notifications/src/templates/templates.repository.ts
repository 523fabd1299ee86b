import { Injectable, OnModuleInit } from '@nestjs/common';
import type { Connection, mongo } from 'mongoose';
import type { NotificationTemplateRequest } from '@crm/contracts';
import { insertOnce } from '@crm/messaging';
import { dbSpan } from '@crm/observability';
import { ensureIndexes, InjectMongo } from '@crm/service-kit';
import { DEFAULT_TRIGGER_TEMPLATES } from '../triggers/default-templates';
import type { TemplateDocument } from './template.document';

const COLLECTION = 'notification_templates';
/** Two admins saving one key at once each get their own version; more races than this is a bug. */
const MAX_RACES = 5;

/** Template versions: each an insert of `<key>:v<n>` (one winner per version number). */
@Injectable()
export class TemplatesRepository implements OnModuleInit {
  readonly collection: mongo.Collection<TemplateDocument>;

  constructor(@InjectMongo() connection: Connection) {
    this.collection = connection.db!.collection<TemplateDocument>(COLLECTION);
  }

  /** Seeds version 1 of the triggers' templates; a replica starting beside another collides harmlessly. */
  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.collection as never, [
      { key: { key: 1, version: -1 }, name: 'key_version' },
    ]);
    const at = new Date();
    for (const template of DEFAULT_TRIGGER_TEMPLATES)
      await insertOnce(() =>
        this.collection.insertOne({
          ...template,
          _id: `${template.key}:v1`,
          version: 1,
          createdAt: at,
        }),
      );
  }

  /** A version, or the newest when `version` is null. */
  async find(key: string, version: number | null): Promise<TemplateDocument | null> {
    if (version !== null)
      return dbSpan(COLLECTION, 'find', () =>
        this.collection.findOne({ _id: `${key}:v${version}` }),
      );
    const found = await dbSpan(COLLECTION, 'find', () =>
      this.collection.find({ key }, { sort: { version: -1 }, limit: 1 }).toArray(),
    );
    return found[0] ?? null;
  }

  /** The newest version of every template (a chain has tens of them, not thousands). */
  async newest(filter: Partial<Pick<TemplateDocument, 'channel' | 'purpose'>>) {
    const docs = await dbSpan(COLLECTION, 'find', () => this.collection.find(filter).toArray());
    const newest = new Map<string, TemplateDocument>();
    for (const doc of docs)
      if ((newest.get(doc.key)?.version ?? 0) < doc.version) newest.set(doc.key, doc);
    return [...newest.values()].sort((a, b) => a.key.localeCompare(b.key));
  }

  async saveNext(template: NotificationTemplateRequest, by?: string): Promise<TemplateDocument> {
    for (let race = 0; race < MAX_RACES; race++) {
      const version = ((await this.find(template.key, null))?.version ?? 0) + 1;
      const doc: TemplateDocument = {
        key: template.key,
        channel: template.channel,
        purpose: template.purpose,
        bodies: { 'zh-CN': template.bodies['zh-CN'], en: template.bodies.en },
        variables: [...template.variables],
        _id: `${template.key}:v${version}`,
        version,
        createdAt: new Date(),
        ...(by ? { createdBy: by } : {}),
      };
      if (
        await insertOnce(() => dbSpan(COLLECTION, 'insert', () => this.collection.insertOne(doc)))
      )
        return doc;
    }
    throw new Error(`template ${template.key}: versions kept racing`);
  }
}
