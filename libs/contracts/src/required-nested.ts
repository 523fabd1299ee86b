import { getMetadataStorage, ValidationTypes } from 'class-validator';
import type { FieldError } from './errors';

/**
 * class-validator skips `@ValidateNested` on a missing value, so a command whose nested part is
 * required (`{ id, change }` with no `change`) passed validation and reached its handler
 * without it: a `PATCH` with no body was a 500. Here a nested property without a condition
 * (`@IsOptional`, `@ValidateIf`) is required, for every contract class at once; nested
 * instances are checked the same way, level by level.
 */
export function missingNestedErrors(instance: object, prefix = ''): FieldError[] {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(
    instance.constructor,
    '',
    true,
    false,
  );
  const conditional = new Set(
    metadata
      .filter((m) => m.type === ValidationTypes.CONDITIONAL_VALIDATION)
      .map((m) => m.propertyName),
  );
  const nested = new Set(
    metadata.filter((m) => m.type === ValidationTypes.NESTED_VALIDATION).map((m) => m.propertyName),
  );
  const errors: FieldError[] = [];
  for (const property of nested) {
    const field = prefix ? `${prefix}.${property}` : property;
    const value = (instance as Record<string, unknown>)[property];
    if (value === undefined) {
      if (!conditional.has(property))
        errors.push({ field, reasons: [`${property} is required (a JSON object)`] });
      continue;
    }
    // `@ValidateNested` validates each element of a list, so `[[], []]` sent for one object
    // passed as two empty ones: a property declared as one object must not be a list.
    if (Array.isArray(value) && declaredType(instance, property) !== Array) {
      errors.push({ field, reasons: [`${property} must be a JSON object, not a list`] });
      continue;
    }
    const items = Array.isArray(value) ? value : [value];
    items.forEach((item, index) => {
      if (typeof item === 'object' && item !== null && item.constructor !== Object)
        errors.push(
          ...missingNestedErrors(item, Array.isArray(value) ? `${field}.${index}` : field),
        );
    });
  }
  return errors;
}

/** The property's TypeScript type as the compiler recorded it (decorator metadata). */
function declaredType(instance: object, property: string): unknown {
  const reflect = Reflect as unknown as {
    getMetadata?: (key: string, target: object, property: string) => unknown;
  };
  return reflect.getMetadata?.('design:type', instance, property);
}
