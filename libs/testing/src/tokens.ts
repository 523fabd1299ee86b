import { SignJWT } from 'jose';
import { devEnv } from './service-process';

/** A staff token as the gateway expects it (CONTRACTS.md §1), signed with the dev secret. */
export async function staffToken(
  roles: string[],
  options: { storeId?: string; sub?: string; secret?: string; expiresIn?: string } = {},
) {
  const env = devEnv();
  return new SignJWT({
    name: 'Test Staff',
    roles,
    ...(options.storeId ? { storeId: options.storeId } : {}),
  })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(options.sub ?? 'E-test')
    .setIssuer(env.AUTH_JWT_ISSUER)
    .setAudience(env.AUTH_JWT_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '10m')
    .sign(new TextEncoder().encode(options.secret ?? env.AUTH_JWT_SECRET));
}
