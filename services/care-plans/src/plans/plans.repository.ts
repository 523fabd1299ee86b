import type { StepSafety } from '../safety/plan-step-safety';
import { Injectable, OnModuleInit } from '@nestjs/common';
import type { Connection, mongo } from 'mongoose';
import type { CarePlanStatus } from '@crm/contracts';
import { insertOnce } from '@crm/messaging';
import { dbSpan } from '@crm/observability';
import { ensureIndexes, InjectMongo } from '@crm/service-kit';
import { planStatus, type PlanTransition } from './plan-state';

/**
 * A member's plan of one template: `_id` is `<member>:<template>:<generation>`. Enrolment
 * inserts the next generation only when the last one is stopped, so of two enrolments at once
 * exactly one inserts (one active plan per template per member). Status and history are a
 * projection of the plan's transitions (`plan_transitions`, `<plan>:t<n>`, inserted once each).
 */
export interface PlanDocument {
  _id: string;
  memberId: string;
  templateId: string;
  templateVersion: number;
  generation: number;
  status: CarePlanStatus;
  startAt: Date;
  enrolledAt: Date;
  enrolledBy?: string;
  storeId: string;
  tasks: number;
  messages: number;
  history: PlanTransition[];
  /** False until its steps are tasks and messages (a crash in between is finished later). */
  materialized: boolean;
  /** The safety check of the steps that recommend products, run once at enrolment. */
  safety?: StepSafety[];
}

export interface PlanTransitionDocument extends PlanTransition {
  _id: string;
  planId: string;
  n: number;
}

const PLANS = 'care_plans';
const TRANSITIONS = 'plan_transitions';

@Injectable()
export class PlansRepository implements OnModuleInit {
  readonly plans: mongo.Collection<PlanDocument>;
  readonly transitions: mongo.Collection<PlanTransitionDocument>;

  constructor(@InjectMongo() connection: Connection) {
    this.plans = connection.db!.collection<PlanDocument>(PLANS);
    this.transitions = connection.db!.collection<PlanTransitionDocument>(TRANSITIONS);
  }

  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.plans as never, [
      { key: { memberId: 1 }, name: 'member' },
      { key: { materialized: 1 }, name: 'materialized' },
    ]);
    await ensureIndexes(this.transitions as never, [{ key: { planId: 1 }, name: 'plan' }]);
  }

  find(id: string): Promise<PlanDocument | null> {
    return dbSpan(PLANS, 'find', () => this.plans.findOne({ _id: id }));
  }

  async lastOf(memberId: string, templateId: string): Promise<PlanDocument | null> {
    const found = await dbSpan(PLANS, 'find', () =>
      this.plans.find({ memberId, templateId }, { sort: { generation: -1 }, limit: 1 }).toArray(),
    );
    return found[0] ?? null;
  }

  ofMember(memberId: string): Promise<PlanDocument[]> {
    return dbSpan(PLANS, 'find', () =>
      this.plans.find({ memberId }, { sort: { enrolledAt: -1, _id: -1 } }).toArray(),
    );
  }

  insert(plan: PlanDocument): Promise<boolean> {
    return insertOnce(() => dbSpan(PLANS, 'insert', () => this.plans.insertOne(plan)));
  }

  async markMaterialized(id: string, tasks: number, messages: number): Promise<void> {
    await dbSpan(PLANS, 'update', () =>
      this.plans.updateOne({ _id: id }, { $set: { materialized: true, tasks, messages } }),
    );
  }

  unmaterialized(limit: number): Promise<PlanDocument[]> {
    return dbSpan(PLANS, 'find', () =>
      this.plans.find({ materialized: false }, { limit }).toArray(),
    );
  }

  transitionsOf(planId: string): Promise<PlanTransitionDocument[]> {
    return dbSpan(TRANSITIONS, 'find', () =>
      this.transitions.find({ planId }, { sort: { n: 1 } }).toArray(),
    );
  }

  /** The plan's n-th transition; false when another request took that step first. */
  insertTransition(doc: PlanTransitionDocument): Promise<boolean> {
    return insertOnce(() => dbSpan(TRANSITIONS, 'insert', () => this.transitions.insertOne(doc)));
  }

  /** Rebuilds the plan's status and history from its transitions. */
  async project(planId: string): Promise<PlanDocument | null> {
    const transitions = await this.transitionsOf(planId);
    const history = transitions.map(({ action, reason, at, by }) => ({
      action,
      reason,
      at,
      ...(by ? { by } : {}),
    }));
    await dbSpan(PLANS, 'update', () =>
      this.plans.updateOne({ _id: planId }, { $set: { status: planStatus(history), history } }),
    );
    return this.find(planId);
  }
}
