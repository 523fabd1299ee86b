/**
 * Authorization matrix: every operation of the gateway's OpenAPI document, with no token, a
 * tampered token, and each role at the member's own store (S001) and at another (S002). The
 * rule each route enforces is read from the document (`x-roles`, `x-store-scope`, both
 * published from the metadata the guard reads), so a route added later is walked too, and a
 * route that declares no rule fails the test.
 */
import { SERVICES, staffToken } from '@crm/testing';
import { startSystem, type TestSystem } from './support/system';

const ROLES = ['store_clerk', 'pharmacist', 'store_manager', 'desk_agent', 'hq_analyst', 'admin'];
const HOME_STORE = 'S001';
const OTHER_STORE = 'S002';
/** Roles not bound to a store (docs/access-rules.md). */
const CHAIN_WIDE_ROLES = ['desk_agent', 'admin'];
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the OpenAPI document under test
type Json = any;

interface Operation {
  method: string;
  path: string;
  spec: Json;
}

let system: TestSystem;
let document: Json;
let memberId: string;

beforeAll(async () => {
  system = await startSystem([...SERVICES]);
  const member = await system.registerMember({
    name: '矩阵测试',
    phone: `137${String(Date.now()).slice(-8)}`,
    channel: 'store',
    homeStoreId: HOME_STORE,
  });
  memberId = member.id;
  const docs = await fetch(`${system.gatewayUrl}/api/docs-json`);
  expect(docs.status).toBe(200);
  document = await docs.json();
});

afterAll(async () => {
  await system?.stop();
});

function operations(): Operation[] {
  const found: Operation[] = [];
  for (const [path, item] of Object.entries<Json>(document.paths))
    for (const method of METHODS)
      if (item[method]) found.push({ method, path, spec: item[method] });
  // Erasing the member would turn the routes after it into 404s: erase last.
  return found.sort((a, b) => Number(a.method === 'delete') - Number(b.method === 'delete'));
}

/** A schema's example, or a small value that satisfies it. */
function sample(schema: Json, name = ''): unknown {
  if (!schema) return undefined;
  if (schema.$ref) return sample(resolve(schema.$ref), name);
  if (schema.allOf) return sample(schema.allOf[0], name);
  if (schema.oneOf) return sample(schema.oneOf[0], name);
  if (schema.example !== undefined) return schema.example;
  if (schema.enum) return schema.enum[0];
  if (schema.pattern === '^[0-9a-f]{24}$') return memberId;
  switch (schema.type) {
    case 'object': {
      const value: Record<string, unknown> = {};
      for (const key of schema.required ?? []) value[key] = sample(schema.properties?.[key], key);
      return value;
    }
    case 'array':
      return schema.minItems ? [sample(schema.items)] : [];
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return false;
    default:
      return patternSample(schema.pattern) ?? `matrix-${name}`;
  }
}

/** Candidates for a pattern without an example (ids, codes, keys). */
function patternSample(pattern: string | undefined): string | undefined {
  if (!pattern) return undefined;
  const candidates = ['GIFT-THERMOMETER', 'ABCDEFGHJK', 'S001', 'matrix-key-0001', '2026-01'];
  const regex = new RegExp(pattern);
  return candidates.find((candidate) => regex.test(candidate));
}

function resolve(ref: string): Json {
  return ref
    .replace(/^#\//, '')
    .split('/')
    .reduce((node: Json, key: string) => node[key], document);
}

let requestSeq = 0;
async function call(operation: Operation, token: string | null) {
  let path = operation.path;
  const query = new URLSearchParams();
  const headers: Record<string, string> = {};
  for (const parameter of operation.spec.parameters ?? []) {
    const value =
      parameter.in === 'path' && parameter.name === 'id'
        ? memberId
        : String(parameter.example ?? sample(parameter.schema, parameter.name));
    if (parameter.in === 'path')
      path = path.replace(`{${parameter.name}}`, encodeURIComponent(value));
    if (parameter.in === 'query' && parameter.required) query.set(parameter.name, value);
    if (parameter.in === 'header')
      headers[parameter.name] = `matrix-${process.pid}-${++requestSeq}`;
  }
  const bodySchema = operation.spec.requestBody?.content?.['application/json'];
  const body = bodySchema
    ? (Object.values<Json>(bodySchema.examples ?? {})[0]?.value ?? sample(bodySchema.schema) ?? {})
    : undefined;
  const url = `${path}${query.size ? `?${query}` : ''}`;
  return system.api(operation.method.toUpperCase(), url, body, { token }, headers);
}

it('gives no 2xx that the route rule does not allow, across every route, role and store', async () => {
  const ops = operations();
  expect(ops.length).toBeGreaterThan(0);

  const undeclared = ops.filter(
    (op) =>
      op.spec['x-public'] !== true &&
      !(Array.isArray(op.spec['x-roles']) && op.spec['x-roles'].length > 0),
  );
  expect(undeclared.map((op) => `${op.method.toUpperCase()} ${op.path}`)).toEqual([]);
  const unknownRoles = ops.flatMap((op) =>
    (op.spec['x-roles'] ?? []).filter((role: string) => !ROLES.includes(role)),
  );
  expect(unknownRoles).toEqual([]);

  const admin = await staffToken(['admin'], { storeId: HOME_STORE });
  const [head, payload, signature] = admin.split('.');
  const flipped = signature!.startsWith('A')
    ? `B${signature!.slice(1)}`
    : `A${signature!.slice(1)}`;
  const tampered = `${head}.${payload}.${flipped}`;
  const tokens = new Map<string, string>();
  for (const role of ROLES)
    for (const store of [HOME_STORE, OTHER_STORE])
      tokens.set(
        `${role}@${store}`,
        await staffToken([role], { storeId: store, sub: `E-${role}` }),
      );

  let requests = 0;
  let expectedDenials = 0;
  let allowed2xx = 0;
  const unexpected: string[] = [];
  const unauthenticatedNot401: string[] = [];
  const deniedNot403: string[] = [];

  for (const op of ops) {
    const label = `${op.method.toUpperCase()} ${op.path}`;
    if (op.spec['x-public'] !== true)
      for (const [kind, token] of [
        ['no token', null],
        ['tampered token', tampered],
      ] as const) {
        const response = await call(op, token);
        requests++;
        expectedDenials++;
        if (response.status >= 200 && response.status < 300)
          unexpected.push(`${label} ${kind} → ${response.status}`);
        if (response.status !== 401)
          unauthenticatedNot401.push(`${label} ${kind} → ${response.status}`);
      }

    const rule: string[] = op.spec['x-roles'] ?? ROLES;
    const homeStoreOnly = op.spec['x-store-scope'] === 'home-store';
    for (const role of ROLES)
      for (const store of [HOME_STORE, OTHER_STORE]) {
        const response = await call(op, tokens.get(`${role}@${store}`)!);
        requests++;
        // Home-store scoping binds store staff; desk agents and admins act for the whole chain.
        const otherStore = store !== HOME_STORE && !CHAIN_WIDE_ROLES.includes(role);
        const mayAct = rule.includes(role) && !(homeStoreOnly && otherStore);
        const ok = response.status >= 200 && response.status < 300;
        if (!mayAct) {
          expectedDenials++;
          if (ok) unexpected.push(`${label} as ${role}@${store} → ${response.status}`);
          else if (!rule.includes(role) && response.status !== 403)
            deniedNot403.push(`${label} as ${role}@${store} → ${response.status}`);
        } else if (ok) allowed2xx++;
      }
  }

  console.log(
    `[authz-matrix] routes ${ops.length}, requests ${requests}, expected denials ${expectedDenials}, ` +
      `allowed 2xx ${allowed2xx}, unexpected 2xx ${unexpected.length}`,
  );
  expect(unexpected).toEqual([]);
  expect(unauthenticatedNot401).toEqual([]);
  expect(deniedNot403).toEqual([]);
  // The requests are real enough to pass for the roles that may make them, not only be refused.
  expect(allowed2xx).toBeGreaterThan(ops.length / 2);
}, 600_000);
