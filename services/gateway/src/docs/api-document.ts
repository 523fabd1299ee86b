import type { OpenAPIObject } from '@nestjs/swagger';
import * as contracts from '@crm/contracts';
import { ERROR_BODY, ERROR_DESCRIPTIONS, RATE_LIMIT_HEADERS } from './error-responses';
import { propertyRules, withRules, type Schema } from './validation-schema';

/**
 * What the document says about every route without each controller repeating it; run on the
 * document @nestjs/swagger builds, before it is served:
 * - each contract schema gets the constraints its validators enforce (see validation-schema.ts);
 * - each operation lists the statuses any route can answer with: 400 (an unreadable URL or
 *   body), 414 and 431 (a path or headers too long), 429 (rate limits), 503 and 504 (a service
 *   behind the gateway down or slow); 401 and 403 where a token is needed; 413 and 415 where a
 *   body is read; all in the one error body (CONTRACTS.md §1).
 */
export function completeApiDocument(document: OpenAPIObject): OpenAPIObject {
  const schemas = (document.components?.schemas ?? {}) as Record<string, Schema>;
  for (const [name, schema] of Object.entries(schemas)) {
    const cls = contractClass(name);
    if (cls) schemas[name] = withValidatorRules(schema, cls);
  }
  schemas.ErrorBody = ERROR_BODY;
  document.components = { ...document.components, schemas };

  for (const item of Object.values(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const statuses = new Set([400, 414, 431, 429, 503, 504]);
      const secured = (operation.security ?? document.security ?? []).length > 0;
      if (secured) [401, 403].forEach((s) => statuses.add(s));
      if (operation.requestBody) [413, 415].forEach((s) => statuses.add(s));
      for (const status of statuses)
        operation.responses[status] ??= { description: ERROR_DESCRIPTIONS[status] ?? '' };
      operation.responses[429] = {
        description: ERROR_DESCRIPTIONS[429]!,
        ...operation.responses[429],
        headers: RATE_LIMIT_HEADERS,
      };
      for (const [status, response] of Object.entries(operation.responses))
        if (response && Number(status) >= 400 && !('$ref' in response))
          response.content = {
            'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } },
          };
    }
  }
  return document;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- any contract class
function contractClass(name: string): Function | undefined {
  const value = (contracts as Record<string, unknown>)[name];
  return typeof value === 'function' ? value : undefined;
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- any contract class
function withValidatorRules(schema: Schema, cls: Function): Schema {
  const rules = propertyRules(cls);
  if (!schema.properties || rules.size === 0) return schema;
  const properties: Record<string, Schema> = {};
  const required = new Set(schema.required ?? []);
  for (const [property, own] of Object.entries(schema.properties)) {
    const rule = rules.get(property);
    if (!rule) {
      properties[property] = own;
      continue;
    }
    properties[property] = withRules(own, rule);
    if (rule.required) required.add(property);
    else required.delete(property);
  }
  // validatePayload refuses what a contract does not name (forbidNonWhitelisted).
  const result: Schema = { ...schema, properties, additionalProperties: false };
  if (required.size > 0) result.required = [...required];
  else delete result.required;
  return result;
}
