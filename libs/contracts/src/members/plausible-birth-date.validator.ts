import { IsISO8601, Matches, registerDecorator, ValidationOptions } from 'class-validator';

const MAX_AGE_YEARS = 120;

/** A birth date in the past and at most 120 years ago. */
export function isPlausibleBirthDate(value: unknown, now = new Date()): boolean {
  if (typeof value !== 'string') return false;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return false;
  const oldest = new Date(now);
  oldest.setFullYear(now.getFullYear() - MAX_AGE_YEARS);
  return date <= now && date >= oldest;
}

export function IsPlausibleBirthDate(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isPlausibleBirthDate',
      target: target.constructor,
      propertyName,
      options: {
        message: `${propertyName} must be in the past and within ${MAX_AGE_YEARS} years`,
        ...options,
      },
      validator: { validate: (value: unknown) => isPlausibleBirthDate(value) },
    });
}

/** A calendar date (YYYY-MM-DD) that is a plausible birth date: one rule for every DTO. */
export function IsBirthDate(): PropertyDecorator {
  const rules = [
    Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'birthDate must be a date such as 1968-04-12' }),
    IsISO8601({ strict: true }),
    IsPlausibleBirthDate(),
  ];
  return (target, propertyName) => rules.forEach((rule) => rule(target, propertyName as string));
}
