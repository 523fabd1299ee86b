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
    // Each partition's runs are tallied on their own (purchase-tallies.repository.ts), so
    // partitions may be worked on at once.
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

  async apply(message: DecodedMessage<PosTransaction>): Promise<void> {
    await this.applyBatch([message]);
  }

  /** Sales arrive in bursts: a run costs one insert of its purchases and one of its tally. */
  async applyBatch(messages: DecodedMessage<PosTransaction>[]): Promise<void> {
    await this.recordPurchase.executeBatch(
      messages.map(({ value, position }) => {
        if (!position) throw new Error('a POS message reached the handler without its position');
        return { transaction: value, position };
      }),
    );
  }
}
