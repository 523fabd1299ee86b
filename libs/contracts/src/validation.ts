import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { AppError, ErrorCode, FieldError } from './errors';
import { payloadShapeErrors } from './payload-shape';
import { missingNestedErrors } from './required-nested';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Constructor<T> = new (...args: any[]) => T;

/**
 * Validates an inbound payload (HTTP body, NATS request, Kafka message) against its contract
 * class. Unknown properties are rejected, never passed on, which also keeps NoSQL operator
 * payloads (`{ "$ne": … }`) out of queries. What no contract could take (deep nesting, NUL,
 * lone surrogates: see payload-shape.ts) is refused before the class sees it, and a required
 * nested part that is missing is named (see required-nested.ts): bad input is a
 * VALIDATION.FAILED with field-level reasons, never an exception from deeper down.
 */
export function validatePayload<T extends object>(cls: Constructor<T>, plain: unknown): T {
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) {
    throw new AppError(ErrorCode.VALIDATION_FAILED, 'The payload must be a JSON object', [
      { field: '(root)', reasons: ['must be an object'] },
    ]);
  }
  const shape = payloadShapeErrors(plain);
  if (shape.length > 0) throw invalid(shape);
  const instance = plainToInstance(cls, plain as object);
  const errors = validateSync(instance, {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
  });
  const fieldErrors = toFieldErrors(errors);
  const reported = new Set(fieldErrors.map((e) => e.field));
  fieldErrors.push(...missingNestedErrors(instance).filter((e) => !reported.has(e.field)));
  if (fieldErrors.length > 0) throw invalid(fieldErrors);
  return instance;
}

function invalid(details: FieldError[]): AppError {
  return new AppError(ErrorCode.VALIDATION_FAILED, 'Some fields are invalid', details);
}

export function toFieldErrors(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own: FieldError[] = error.constraints
      ? [{ field, reasons: Object.values(error.constraints) }]
      : [];
    return [...own, ...toFieldErrors(error.children ?? [], field)];
  });
}
