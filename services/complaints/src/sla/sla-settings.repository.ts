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
  updatedAt?: Date;
  updatedBy?: string;
}

export interface SlaSettingsRecord {
  settings: SlaSettings;
  updatedAt: Date | null;
  updatedBy: string | null;
}

/**
 * SLA policies as data: one document (`sla_settings`/`current`) holding targets, hours and
 * holidays, seeded with DEFAULT_SLA_SETTINGS when missing (an insert, so two replicas starting
 * at once seed it once). Admins replace it through `PUT /complaint-sla-policies`.
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
    return (await this.read()).settings;
  }

  /** The stored policies as they are now (no cache), with who changed them last. */
  async read(): Promise<SlaSettingsRecord> {
    const doc = await dbSpan(COLLECTION, 'find', () => this.collection.findOne({ _id: CURRENT }));
    const {
      _id: _unused,
      updatedAt,
      updatedBy,
      ...settings
    } = doc ?? { _id: CURRENT, ...DEFAULT_SLA_SETTINGS };
    this.cached = { settings, at: Date.now() };
    return { settings, updatedAt: updatedAt ?? null, updatedBy: updatedBy ?? null };
  }

  /**
   * Replaces the policies as a whole (the last PUT wins). This replica uses them at once; the
   * others within REFRESH_MS. Due times count from the new policies for every case read or
   * stepped from then on.
   */
  async replace(settings: SlaSettings, updatedBy: string, updatedAt: Date): Promise<void> {
    await dbSpan(COLLECTION, 'update', () =>
      this.collection.replaceOne(
        { _id: CURRENT },
        { ...settings, updatedAt, updatedBy },
        { upsert: true },
      ),
    );
    this.cached = { settings, at: Date.now() };
  }
}
