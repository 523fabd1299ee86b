import { Injectable } from '@nestjs/common';
import type { KafkaMessage } from 'kafkajs';
import { AppError, PosTransaction, Topics, validatePayload } from '@crm/contracts';
import {
  parseJson,
  PoisonMessageError,
  type DecodedMessage,
  type MessageHandler,
} from '@crm/messaging';
import { ConsumerFactory, ConsumerHost } from '@crm/service-kit';
import { RecordPurchase } from './record-purchase.handler';

export const POS_GROUP = 'members.pos-transactions';

/** pos.transactions.v1 → purchases. Each message is checked against CONTRACTS.md §3 first. */
@Injectable()
export class PosTransactionsConsumer
  extends ConsumerHost
  implements MessageHandler<PosTransaction>
{
  protected readonly consumer;

  constructor(
    consumers: ConsumerFactory,
    private readonly recordPurchase: RecordPurchase,
  ) {
    super();
    // Each partition's run is independent: member writes are atomic increments guarded per
    // transaction, so two partitions may update one member at once.
    this.consumer = consumers.create(POS_GROUP, [Topics.posTransactions], this, {
      maxBatchSize: 2000,
      partitionsConsumedConcurrently: 3,
    });
  }

  decode(message: KafkaMessage): DecodedMessage<PosTransaction> {
    try {
      const transaction = validatePayload(PosTransaction, parseJson(message.value));
      return { id: transaction.transactionId, value: transaction };
    } catch (error) {
      if (error instanceof AppError)
        throw new PoisonMessageError('invalid POS transaction', error.details);
      throw error;
    }
  }

  async apply({ value }: DecodedMessage<PosTransaction>): Promise<void> {
    await this.recordPurchase.execute(value);
  }

  /** Sales arrive in bursts: a fetched batch costs one insert and one write per member. */
  async applyBatch(messages: DecodedMessage<PosTransaction>[]): Promise<void> {
    await this.recordPurchase.executeBatch(messages.map((message) => message.value));
  }
}
