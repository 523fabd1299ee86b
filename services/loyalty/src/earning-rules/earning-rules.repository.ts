import { Injectable } from '@nestjs/common';
import type { Connection, mongo } from 'mongoose';
import { dbSpan } from '@crm/observability';
import { InjectMongo } from '@crm/service-kit';
import type { EarningRule } from '../points/earning';

export interface EarningRuleDocument extends EarningRule {
  _id: string;
  createdBy?: string;
  createdAt: Date;
}

const COLLECTION = 'earning_rules';

@Injectable()
export class EarningRulesRepository {
  private readonly collection: mongo.Collection<EarningRuleDocument>;

  constructor(@InjectMongo() connection: Connection) {
    this.collection = connection.db!.collection<EarningRuleDocument>(COLLECTION);
  }

  async insert(rule: EarningRuleDocument): Promise<void> {
    await dbSpan(COLLECTION, 'insert', () => this.collection.insertOne(rule));
  }

  /** Every rule, oldest effective date first (a chain has a handful a year). */
  async all(): Promise<EarningRuleDocument[]> {
    const rules = await dbSpan(COLLECTION, 'find', () => this.collection.find({}).toArray());
    return rules.sort(
      (a, b) =>
        a.effectiveFrom.getTime() - b.effectiveFrom.getTime() ||
        a.createdAt.getTime() - b.createdAt.getTime(),
    );
  }
}
