import { randomBytes } from 'node:crypto';
import { COUPON_CODE_ALPHABET, COUPON_CODE_LENGTH } from '@crm/contracts';

/** Bytes at or above this are dropped, so every letter of the alphabet is equally likely. */
const UNBIASED_LIMIT = 256 - (256 % COUPON_CODE_ALPHABET.length);

/** A new crypto-random coupon code of the unambiguous alphabet (unique by its insert, retried on collision). */
export function newCouponCode(random: (size: number) => Buffer = randomBytes): string {
  let code = '';
  while (code.length < COUPON_CODE_LENGTH) {
    for (const byte of random(COUPON_CODE_LENGTH * 2)) {
      if (byte >= UNBIASED_LIMIT) continue;
      code += COUPON_CODE_ALPHABET[byte % COUPON_CODE_ALPHABET.length];
      if (code.length === COUPON_CODE_LENGTH) break;
    }
  }
  return code;
}
