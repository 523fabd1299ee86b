import { hkdfSync } from 'node:crypto';
import { FieldCipher } from '@crm/crypto';
import { CarePlansConfig } from '../care-plans.config';

export const READING_FIELD = 'health-indicators';

/**
 * care-plans' own cipher for health readings (its own keys: a leak of one service's keys opens
 * only that service's data). Nothing here is looked up by an encrypted value, so the blind-index
 * key the cipher requires is derived from the active key rather than configured.
 */
export const careCipherProvider = {
  provide: FieldCipher,
  inject: [CarePlansConfig],
  useFactory: (config: CarePlansConfig) => {
    const keys = FieldCipher.parseKeys(config.CARE_DATA_KEYS);
    const active = keys.get(config.CARE_ACTIVE_KEY_ID);
    if (!active)
      throw new Error(
        `CARE_ACTIVE_KEY_ID ${config.CARE_ACTIVE_KEY_ID} is not a key of CARE_DATA_KEYS`,
      );
    return new FieldCipher({
      keys,
      activeKeyId: config.CARE_ACTIVE_KEY_ID,
      blindIndexKey: Buffer.from(hkdfSync('sha256', active, '', 'care-plans blind index', 32)),
    });
  },
};
