/**
 * Coupon codes are typed by staff and members: an alphabet without the characters people
 * confuse (0/O, 1/I/L), upper case, a fixed length. 31^10 ≈ 8·10^14 codes, so a random code
 * is unguessable and a collision on insert is rare (and retried).
 */
export const COUPON_CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const COUPON_CODE_LENGTH = 10;
export const COUPON_CODE = /^[2-9A-HJKMNP-Z]{10}$/;

/** A typed code as stored: upper case, spaces and dashes (for readability) dropped. */
export function normalizeCouponCode(value: unknown): unknown {
  return typeof value === 'string' ? value.replace(/[\s-]/g, '').toUpperCase() : value;
}
