import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  AppError,
  ErrorCode,
  type HealthIndicatorReadingView,
  INDICATOR_ALERT,
  type IndicatorAlertPayload,
  maySeeHealth,
  type RecordHealthIndicatorsCommand,
} from '@crm/contracts';
import { FieldCipher } from '@crm/crypto';
import type { RpcActor } from '@crm/messaging';
import { inSpan } from '@crm/observability';
import { CareBus } from '../bus/care-bus';
import { CareEventsRepository } from '../events/care-events.repository';
import type { CareTaskDocument } from '../tasks/care-task.document';
import { CareTasksRepository } from '../tasks/care-tasks.repository';
import { endOfStoreDay } from '../tasks/on-time';
import { READING_FIELD } from './care-cipher';
import { CareHealthAuditRepository } from './health-audit.repository';
import {
  HealthIndicatorsRepository,
  type HealthReadingDocument,
} from './health-indicators.repository';
import { toReadingView } from './health-reading.mapper';
import { alertsFor, readIndicators, worstLevel } from './indicator-reading';

const DAY_MS = 86_400_000;
/** A reading in the high band is looked at within the week; an urgent one today. */
const HIGH_DUE_DAYS = 7;

/**
 * Records a sitting's readings: validated with their units, kept encrypted, audited. A reading
 * in an alert band opens a task for the home store's pharmacist (`alert:<reading>`; an urgent
 * one due today) and announces `indicator.alert` per indicator. The reading's id is its content,
 * so a retry inserts nothing twice and finishes what a crash left undone.
 */
@Injectable()
export class RecordHealthIndicators {
  constructor(
    private readonly readings: HealthIndicatorsRepository,
    private readonly tasks: CareTasksRepository,
    private readonly events: CareEventsRepository,
    private readonly audit: CareHealthAuditRepository,
    private readonly cipher: FieldCipher,
    private readonly bus: CareBus,
  ) {}

  execute(
    command: RecordHealthIndicatorsCommand,
    actor?: RpcActor,
  ): Promise<HealthIndicatorReadingView> {
    return inSpan('care.indicators.record', async () => {
      if (actor && !maySeeHealth(actor.roles))
        throw new AppError(ErrorCode.AUTH_FORBIDDEN, 'Health readings are for the health roles');
      const { values, problems } = readIndicators(command);
      if (problems.length > 0)
        throw new AppError(ErrorCode.VALIDATION_FAILED, 'Implausible readings', problems);
      const member = await this.bus.hasHealthConsent(command.memberId);
      if (!member.consent)
        throw new AppError(
          ErrorCode.CARE_HEALTH_CONSENT_REQUIRED,
          'Health readings need the member’s separate consent to health data; record it first',
        );
      const now = new Date();
      const measuredAt = command.measuredAt ? new Date(command.measuredAt) : now;
      if (measuredAt.getTime() > now.getTime() + 5 * 60_000)
        throw new AppError(ErrorCode.VALIDATION_FAILED, 'A reading cannot be from the future', [
          { field: 'measuredAt', reasons: ['measuredAt must not be in the future'] },
        ]);
      const alerts = alertsFor(values);
      const level = worstLevel(alerts);
      const id = `reading:${createHash('sha256')
        .update(JSON.stringify([command.memberId, measuredAt.toISOString(), values]))
        .digest('hex')
        .slice(0, 24)}`;
      const storeId = member.homeStoreId ?? actor?.storeId ?? 'HQ';
      const taskId = `alert:${id}`;
      const doc: HealthReadingDocument = {
        _id: id,
        memberId: command.memberId,
        storeId,
        measuredAt,
        recordedAt: now,
        recordedBy: actor?.sub ?? null,
        source: command.source ?? 'store',
        indicators: Object.keys(values),
        level,
        sealed: this.cipher.encrypt(JSON.stringify({ values, alerts }), READING_FIELD),
        taskIds: level ? [taskId] : [],
      };
      const reading = (await this.readings.insert(doc))
        ? doc
        : ((await this.readings.find(id)) ?? doc);
      await this.audit.record(command.memberId, 'write', 'health-indicators.record', actor);
      if (level) {
        const task: CareTaskDocument = {
          _id: taskId,
          memberId: reading.memberId,
          kind: 'review',
          priority: level,
          // Urgent: today (store time), however late in the day; high: within the week.
          dueAt:
            level === 'urgent'
              ? endOfStoreDay(now)
              : new Date(now.getTime() + HIGH_DUE_DAYS * DAY_MS),
          status: 'open',
          cause: { type: 'indicator', readingId: id },
          assigneeRole: 'pharmacist',
          storeId: reading.storeId,
          contentKey: 'care.indicator-alert',
          createdAt: now,
        };
        await this.tasks.insertNew([task]);
        await this.events.emit(
          ...alerts.map((alert) => {
            const payload: IndicatorAlertPayload = {
              readingId: id,
              memberId: reading.memberId,
              storeId: reading.storeId,
              indicator: alert.indicator,
              band: alert.band,
              level: alert.level,
              taskId,
              measuredAt: reading.measuredAt.toISOString(),
            };
            return {
              type: INDICATOR_ALERT,
              cause: `${id}:${alert.indicator}`,
              key: reading.memberId,
              payload,
              at: reading.recordedAt,
            };
          }),
        );
      }
      return toReadingView(reading, this.cipher);
    });
  }
}
