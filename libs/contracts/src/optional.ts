import { ValidateIf } from 'class-validator';

/**
 * Like @IsOptional, but only a missing field is skipped: `null` is not "not given", it is
 * rejected with the field's own reasons (`quantity: null` is not a quantity of 1, and
 * `stock: null` is not a stock).
 */
export function IsOptionalNonNull() {
  return ValidateIf((_object: object, value: unknown) => value !== undefined);
}
