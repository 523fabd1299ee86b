import type {
  HealthIndicatorReadingView,
  HealthReadingValues,
  IndicatorAlertView,
} from '@crm/contracts';
import type { FieldCipher } from '@crm/crypto';
import { READING_FIELD } from './care-cipher';
import type { HealthReadingDocument } from './health-indicators.repository';

export function toReadingView(
  doc: HealthReadingDocument,
  cipher: FieldCipher,
): HealthIndicatorReadingView {
  const { values, alerts } = JSON.parse(cipher.decrypt(doc.sealed, READING_FIELD)) as {
    values: HealthReadingValues;
    alerts: IndicatorAlertView[];
  };
  return {
    id: doc._id,
    memberId: doc.memberId,
    measuredAt: doc.measuredAt.toISOString(),
    recordedAt: doc.recordedAt.toISOString(),
    source: doc.source,
    recordedBy: doc.recordedBy,
    values,
    alerts,
    taskIds: doc.taskIds,
  };
}
