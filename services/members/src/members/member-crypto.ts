import { FieldCipher } from '@crm/crypto';
import { MembersConfig } from '../members.config';

export const PHONE_FIELD = 'phone';
export const HEALTH_FIELD = 'health';

/** The members service's cipher, from its configured keys. */
export const memberCipherProvider = {
  provide: FieldCipher,
  inject: [MembersConfig],
  useFactory: (config: MembersConfig) =>
    new FieldCipher({
      keys: FieldCipher.parseKeys(config.MEMBERS_DATA_KEYS),
      activeKeyId: config.MEMBERS_ACTIVE_KEY_ID,
      blindIndexKey: Buffer.from(config.MEMBERS_BLIND_INDEX_KEY, 'base64'),
    }),
};
