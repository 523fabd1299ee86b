import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { AppError, ErrorCode, FieldError } from './errors';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Constructor<T> = new (...args: any[]) => T;

/**
 * Validates an inbound payload (HTTP body, NATS request, Kafka message) against its contract
 * class. Unknown properties are rejected, never passed on, which also keeps NoSQL operator
 * payloads (`{ "$ne": … }`) out of queries.
 */
export function validatePayload<T extends object>(cls: Constructor<T>, plain: unknown): T {
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) {
    throw new AppError(ErrorCode.VALIDATION_FAILED, 'The payload must be a JSON object', [
      { field: '(root)', reasons: ['must be an object'] },
    ]);
  }
  const instance = plainToInstance(cls, plain as object);
  const errors = validateSync(instance, {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
  });
  if (errors.length > 0) {
    throw new AppError(
      ErrorCode.VALIDATION_FAILED,
      'Some fields are invalid',
      toFieldErrors(errors),
    );
  }
  return instance;
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
