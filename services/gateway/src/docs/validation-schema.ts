import { getMetadataStorage, ValidationTypes } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import { cleanTextPattern } from './text-patterns';

/** The part of an OpenAPI 3.0 schema object this file reads and writes. */
export interface Schema {
  type?: string;
  format?: string;
  pattern?: string;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  nullable?: boolean;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  allOf?: Schema[];
  $ref?: string;
  description?: string;
  [key: string]: unknown;
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- any contract class
type ContractClass = Function;

/**
 * What the validators of a contract class enforce, per property, as OpenAPI constraints: the
 * document then says what the gateway takes, from the same decorators that decide it, so it
 * cannot drift (@nestjs/swagger's CLI plugin, which does a part of this, is not used here).
 */
export interface PropertyRules {
  schema: Schema;
  /** No @IsOptional / @ValidateIf: the property must be given. */
  required: boolean;
  /** @IsOptional: `null` is taken as "not given" (IsOptionalNonNull refuses it). */
  nullable: boolean;
}

export function propertyRules(cls: ContractClass): Map<string, PropertyRules> {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false);
  const byProperty = new Map<string, ValidationMetadata[]>();
  for (const m of metadata) {
    if (!byProperty.has(m.propertyName)) byProperty.set(m.propertyName, []);
    byProperty.get(m.propertyName)!.push(m);
  }
  const rules = new Map<string, PropertyRules>();
  for (const [property, list] of byProperty) rules.set(property, rulesOf(list));
  return rules;
}

function rulesOf(list: ValidationMetadata[]): PropertyRules {
  const schema: Schema = {};
  const item: Schema = {};
  let conditional = false;
  let nullable = false;
  let clean: { multiline: boolean; each: boolean } | undefined;
  let notEmpty = false;
  for (const m of list) {
    if (m.type === ValidationTypes.CONDITIONAL_VALIDATION) {
      conditional = true;
      if (m.name === 'isOptional') nullable = true;
      continue;
    }
    if (m.type === ValidationTypes.WHITELIST) continue;
    const target = m.each ? item : schema;
    const [c0, c1] = (m.constraints ?? []) as unknown[];
    switch (m.name) {
      case 'isString':
        target.type = 'string';
        break;
      case 'isInt':
        target.type = 'integer';
        break;
      case 'isNumber':
        target.type ??= 'number';
        break;
      case 'isBoolean':
        target.type = 'boolean';
        break;
      case 'isArray':
        schema.type = 'array';
        break;
      case 'isIn':
        target.enum ??= [...(c0 as unknown[])];
        break;
      case 'isEnum':
        target.enum ??= Object.values(c0 as object);
        break;
      case 'matches':
        target.pattern ??= portablePattern(c0 as RegExp | string, c1 as string | undefined);
        break;
      case 'maxLength':
        target.maxLength = min(target.maxLength, c0 as number);
        break;
      case 'minLength':
        target.minLength = max(target.minLength, c0 as number);
        break;
      case 'isLength':
        target.minLength = max(target.minLength, c0 as number);
        if (typeof c1 === 'number') target.maxLength = min(target.maxLength, c1);
        break;
      case 'isNotEmpty':
        notEmpty = true;
        break;
      case 'min':
        target.minimum = max(target.minimum, c0 as number);
        break;
      case 'max':
        target.maximum = min(target.maximum, c0 as number);
        break;
      case 'isPositive':
        target.minimum = max(target.minimum, target.type === 'integer' ? 1 : Number.MIN_VALUE);
        break;
      case 'arrayMaxSize':
        schema.maxItems = min(schema.maxItems, c0 as number);
        break;
      case 'arrayMinSize':
        schema.minItems = max(schema.minItems, c0 as number);
        break;
      case 'arrayNotEmpty':
        schema.minItems = max(schema.minItems, 1);
        break;
      case 'cleanText':
        clean = {
          multiline: (c0 as { multiline?: boolean } | undefined)?.multiline === true,
          each: m.each === true,
        };
        break;
      default:
        break;
    }
  }
  if (clean) {
    const target = clean.each ? item : schema;
    // A text field is trimmed before it is measured: "  " is empty.
    target.pattern ??= cleanTextPattern({
      multiline: clean.multiline,
      minLength: Math.max(notEmpty ? 1 : 0, target.minLength ?? 0),
    });
  }
  if (notEmpty) {
    const target = clean?.each ? item : schema;
    if (target.type === 'string' || target.pattern || clean) target.minLength ??= 1;
  }
  if (Object.keys(item).length > 0) schema.items = item;
  return { schema, required: !conditional, nullable };
}

/**
 * A class-validator pattern as JSON Schema tools read it. JavaScript's `\d` is ASCII only, where
 * Python's (schemathesis) and most others' take any Unicode digit; the `i` flag has no JSON
 * Schema spelling, so letters are spelled in both cases.
 */
export function portablePattern(pattern: RegExp | string, flags = ''): string {
  const regex = typeof pattern === 'string' ? new RegExp(pattern, flags) : pattern;
  let source = regex.source;
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    if (ch === '\\') {
      const next = source[i + 1];
      if (next === 'd') out += inClass ? '0-9' : '[0-9]';
      else out += ch + (next ?? '');
      i++;
      continue;
    }
    if (ch === '[') inClass = true;
    if (ch === ']') inClass = false;
    out += ch;
  }
  source = out;
  if (regex.flags.includes('i')) source = bothCases(source);
  return source;
}

/** `[A-Z0-9]` → `[A-Za-z0-9]`, `x` → `[xX]`: a case-insensitive pattern without the flag. */
function bothCases(source: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    if (ch === '\\') {
      out += ch + (source[i + 1] ?? '');
      i++;
      continue;
    }
    if (ch === '[') inClass = true;
    else if (ch === ']') inClass = false;
    else if (
      inClass &&
      /[A-Za-z]/.test(ch) &&
      source[i + 1] === '-' &&
      /[A-Za-z]/.test(source[i + 2] ?? '')
    ) {
      const to = source[i + 2]!;
      out += `${ch}-${to}${swapCase(ch)}-${swapCase(to)}`;
      i += 2;
      continue;
    } else if (/[A-Za-z]/.test(ch)) {
      out += inClass ? `${ch}${swapCase(ch)}` : `[${ch}${swapCase(ch)}]`;
      continue;
    }
    out += ch;
  }
  return out;
}

function swapCase(ch: string): string {
  return ch === ch.toUpperCase() ? ch.toLowerCase() : ch.toUpperCase();
}

function min(a: number | undefined, b: number): number {
  return a === undefined ? b : Math.min(a, b);
}
function max(a: number | undefined, b: number): number {
  return a === undefined ? b : Math.max(a, b);
}

/**
 * Adds to `schema` (a property of a document schema) what its validators enforce and the
 * document does not say yet; what a contract declares by hand is kept.
 */
export function withRules(schema: Schema, rules: PropertyRules): Schema {
  if (schema.$ref || schema.allOf) {
    // A nested contract: only its nullability is this property's own.
    if (!rules.nullable || schema.nullable) return schema;
    const { $ref, allOf, ...rest } = schema;
    return { ...rest, allOf: allOf ?? [{ $ref }], nullable: true };
  }
  const merged: Schema = { ...schema };
  const derived = rules.schema;
  for (const key of ['pattern', 'enum', 'minimum', 'maximum', 'minLength', 'maxLength'] as const)
    if (derived[key] !== undefined && merged[key] === undefined)
      (merged as Record<string, unknown>)[key] = derived[key];
  for (const key of ['minItems', 'maxItems'] as const)
    if (derived[key] !== undefined && merged[key] === undefined) merged[key] = derived[key];
  // A number the validator wants whole is an integer, whatever TypeScript's `number` said.
  if (derived.type === 'integer' && (merged.type === 'number' || merged.type === undefined))
    merged.type = 'integer';
  if (derived.type && merged.type === undefined && !merged.enum) merged.type = derived.type;
  if (derived.items && merged.items && !merged.items.$ref)
    merged.items = withRules(merged.items, {
      schema: derived.items,
      required: true,
      nullable: false,
    });
  else if (derived.items && !merged.items) merged.items = { ...derived.items };
  if (rules.nullable) merged.nullable = true;
  return merged;
}

/** The schema of one property of `cls`, for a path, query or header parameter. */
export function parameterSchema(cls: ContractClass, property: string): Schema {
  const rules = propertyRules(cls).get(property);
  if (!rules) throw new Error(`${cls.name}.${property} has no validation rules to document`);
  const schema = withRules({}, { ...rules, nullable: false });
  if (schema.type === undefined && !schema.enum) schema.type = 'string';
  return schema;
}
