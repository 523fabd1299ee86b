import { applyDecorators } from '@nestjs/common';
import { ApiHeader, ApiParam, ApiQuery } from '@nestjs/swagger';
import { parameterSchema, propertyRules } from './validation-schema';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- any contract class
type ContractClass = Function;

/**
 * Path parameters documented from the contract class the handler validates them with: the
 * pattern, length and type come from its validators, so `{id}` says "24 hex digits" exactly
 * when the gateway refuses anything else. `names` map a path name to the class's property
 * when they differ (`{ definitionId: 'definitionId' }` is the usual, same-named case).
 */
export const ApiPathParams = (cls: ContractClass, ...names: string[]) =>
  applyDecorators(
    ...names.map((name) =>
      ApiParam({ name, required: true, schema: parameterSchema(cls, name) as object }),
    ),
  );

/** Query parameters documented from the contract class the handler validates the query with. */
export const ApiQueryFrom = (
  cls: ContractClass,
  names: string[],
  examples: Record<string, unknown> = {},
) => {
  const rules = propertyRules(cls);
  return applyDecorators(
    ...names.map((name) =>
      ApiQuery({
        name,
        required: rules.get(name)?.required ?? false,
        schema: parameterSchema(cls, name) as object,
        ...(examples[name] !== undefined ? { example: examples[name] } : {}),
      }),
    ),
  );
};

/** A request header documented from the contract property it becomes (e.g. `Idempotency-Key`). */
export const ApiHeaderFrom = (
  header: string,
  cls: ContractClass,
  property: string,
  example?: string,
) =>
  ApiHeader({
    name: header,
    required: propertyRules(cls).get(property)?.required ?? false,
    schema: parameterSchema(cls, property) as object,
    ...(example ? { example } : {}),
  });
