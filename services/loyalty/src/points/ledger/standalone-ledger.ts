import type { Producer } from 'kafkajs';
import type { Connection } from 'mongoose';
import { PointsRepository } from './points.repository';
import { RunJournal } from './run-journal';
import { WriteBehindPointsLedger } from './write-behind-points-ledger';

/**
 * A ledger over `connection`'s store with memory of its own, as a freshly started process has
 * (integration tests, and a "restart" within one). Without a producer it announces nothing.
 */
export async function standaloneLedger(connection: Connection, producer?: Producer) {
  const repository = new PointsRepository(connection);
  await repository.onModuleInit();
  const journal = new RunJournal(repository);
  return {
    repository,
    journal,
    ledger: new WriteBehindPointsLedger(repository, journal, producer),
  };
}
