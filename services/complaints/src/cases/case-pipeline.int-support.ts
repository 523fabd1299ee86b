/**
 * The case pipeline (intake, effects, reader) wired by hand on a fresh database, as
 * ComplaintsModule wires it, for integration specs that interleave its steps. The Kafka relay
 * is left out: its nudge after a step does nothing here.
 */
import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { PinoLogger } from 'nestjs-pino';
import { ComplaintsClock } from '../clock/complaints-clock';
import { AnalyticsRollupsRepository } from '../analytics/analytics-rollups.repository';
import { ComplaintsConfig } from '../complaints.config';
import type { ComplaintsOutbox } from '../events/complaints-outbox';
import { AskForFeedback } from '../feedback/ask-for-feedback';
import { FeedbackRequestsRepository } from '../feedback/feedback-requests.repository';
import { ReceiveComplaint } from '../intake/receive-complaint.handler';
import { ListBucketsRepository } from '../listing/list-buckets.repository';
import { ListingGenerations } from '../listing/listing-generations';
import { ListingMarkers } from '../listing/listing-markers.cache';
import { CaseReader } from '../lookup/case-reader';
import { BatchAlertsRepository } from '../quality/batch-alerts.repository';
import { SlaBreachesRepository } from '../sla/sla-breaches.repository';
import { SlaSettingsRepository } from '../sla/sla-settings.repository';
import { CaseEffects } from './case-effects';
import { CaseVersionsRepository } from './case-versions.repository';
import { EffectsJournal } from './effects-journal';
import { EffectsJournalRepository } from './effects-journal.repository';
import { CasesRepository } from './cases.repository';

export interface CasePipeline {
  connection: mongoose.Connection;
  config: ComplaintsConfig;
  clock: ComplaintsClock;
  logger: PinoLogger;
  versions: CaseVersionsRepository;
  cases: CasesRepository;
  buckets: ListBucketsRepository;
  markers: ListingMarkers;
  generations: ListingGenerations;
  rollups: AnalyticsRollupsRepository;
  slaSettings: SlaSettingsRepository;
  feedback: FeedbackRequestsRepository;
  effects: CaseEffects;
  /** This pipeline's journal (no renewal timer: a spec drives it). */
  journal: EffectsJournal;
  reader: CaseReader;
  receive: ReceiveComplaint;
  /** Drops the database and closes the connection. */
  close(): Promise<void>;
}

export async function openCasePipeline(databasePrefix: string): Promise<CasePipeline> {
  const connection = await mongoose
    .createConnection(process.env.MONGO_URL!, {
      dbName: `${databasePrefix}_${randomUUID().slice(0, 8)}`,
    })
    .asPromise();
  const logger = new PinoLogger({ pinoHttp: { level: 'silent' } });
  const config = new ComplaintsConfig();
  const clock = new ComplaintsClock(config);
  const versions = new CaseVersionsRepository(connection);
  const buckets = new ListBucketsRepository(connection);
  const generations = new ListingGenerations(buckets);
  const cases = new CasesRepository(connection, generations);
  const slaSettings = new SlaSettingsRepository(connection);
  const feedback = new FeedbackRequestsRepository(connection);
  const breaches = new SlaBreachesRepository(connection);
  const rollups = new AnalyticsRollupsRepository(connection);
  for (const repository of [versions, cases, buckets, slaSettings, feedback, breaches, rollups])
    await repository.onModuleInit();
  const outbox = { nudge: () => undefined } as unknown as ComplaintsOutbox;
  const markers = new ListingMarkers(buckets);
  const effects = new CaseEffects(
    versions,
    cases,
    markers,
    rollups,
    new BatchAlertsRepository(connection),
    slaSettings,
    outbox,
    new AskForFeedback(feedback, config),
    config,
    clock,
    logger,
  );
  const reader = new CaseReader(versions, cases, breaches, slaSettings, config, clock, feedback);
  const journal = new EffectsJournal(new EffectsJournalRepository(connection), config, logger);
  const receive = new ReceiveComplaint(versions, effects, journal, reader, clock, logger);
  return {
    connection,
    config,
    clock,
    logger,
    versions,
    cases,
    buckets,
    markers,
    generations,
    rollups,
    slaSettings,
    feedback,
    effects,
    journal,
    reader,
    receive,
    close: async () => {
      await connection.dropDatabase();
      await connection.close();
    },
  };
}
