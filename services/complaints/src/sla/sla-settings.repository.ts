import { Injectable, OnModuleInit } from '@nestjs/common';
import type { Connection, mongo } from 'mongoose';
import { insertOnce } from '@crm/messaging';
import { dbSpan } from '@crm/observability';
import { InjectMongo } from '@crm/service-kit';
import { DEFAULT_SLA_SETTINGS, type SlaSettings } from './sla-policy';

const COLLECTION = 'sla_settings';
const CURRENT = 'current';
/** Every replica re-reads the policies this often: an edit counts within a minute everywhere. */
const REFRESH_MS = 60_000;

interface SlaSettingsDocument extends SlaSettings {
  _id: string;
}

/**
 * SLA policies as data: one document (`sla_settings`/`current`) holding targets, hours and
 * holidays, seeded with DEFAULT_SLA_SETTINGS when missing (an insert, so two replicas starting
 * at once seed it once). HQ edits the document; no API yet.
 */
@Injectable()
export class SlaSettingsRepository implements OnModuleInit {
  private readonly collection: mongo.Collection<SlaSettingsDocument>;
  private cached?: { settings: SlaSettings; at: number };

  constructor(@InjectMongo() connection: Connection) {
    this.collection = connection.db!.collection<SlaSettingsDocument>(COLLECTION);
  }

  async onModuleInit(): Promise<void> {
    await insertOnce(() =>
      dbSpan(COLLECTION, 'insert', () =>
        this.collection.insertOne({ _id: CURRENT, ...DEFAULT_SLA_SETTINGS }),
      ),
    );
  }

  async current(): Promise<SlaSettings> {
    if (this.cached && Date.now() - this.cached.at < REFRESH_MS) return this.cached.settings;
    const doc = await dbSpan(COLLECTION, 'find', () => this.collection.findOne({ _id: CURRENT }));
    const { _id: _unused, ...settings } = doc ?? { _id: CURRENT, ...DEFAULT_SLA_SETTINGS };
    this.cached = { settings, at: Date.now() };
    return settings;
  }
}
