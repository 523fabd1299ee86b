#!/usr/bin/env node
// Mints a development staff token (CONTRACTS.md §1):
//   npm run token -- --role desk_agent --store S001 [--sub E042] [--name "Li Na"] [--ttl 8h]
// Signs with AUTH_JWT_SECRET, or the development secret in config/dev.env.
import { SignJWT } from 'jose';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const ROLES = ['store_clerk', 'pharmacist', 'store_manager', 'desk_agent', 'hq_analyst', 'admin'];
const { values } = parseArgs({
  options: {
    role: { type: 'string', multiple: true },
    store: { type: 'string' },
    sub: { type: 'string', default: 'dev-staff' },
    name: { type: 'string', default: 'Development Staff' },
    ttl: { type: 'string', default: '8h' },
  },
});

const roles = (values.role ?? []).flatMap((r) => r.split(','));
const unknown = roles.filter((r) => !ROLES.includes(r));
if (roles.length === 0 || unknown.length > 0) {
  console.error(
    `Give one or more roles with --role (${ROLES.join(', ')})${unknown.length ? `; unknown: ${unknown.join(', ')}` : ''}`,
  );
  process.exit(2);
}

function devEnv(name) {
  const file = new URL('../config/dev.env', import.meta.url);
  const line = readFileSync(file, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}=`));
  return line?.slice(name.length + 1).trim();
}

const secret = process.env.AUTH_JWT_SECRET ?? devEnv('AUTH_JWT_SECRET');
let jwt = new SignJWT({
  name: values.name,
  roles,
  ...(values.store ? { storeId: values.store } : {}),
})
  .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
  .setSubject(values.sub)
  .setIssuedAt()
  .setExpirationTime(values.ttl);
const issuer = process.env.AUTH_JWT_ISSUER ?? devEnv('AUTH_JWT_ISSUER');
const audience = process.env.AUTH_JWT_AUDIENCE ?? devEnv('AUTH_JWT_AUDIENCE');
if (issuer) jwt = jwt.setIssuer(issuer);
if (audience) jwt = jwt.setAudience(audience);
console.log(await jwt.sign(new TextEncoder().encode(secret)));
