import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from '@crm/contracts';
import { devEnv, staffToken } from '@crm/testing';
import { GatewayConfig } from '../gateway.config';
import { JwtVerifier } from './jwt-verifier';

function verifier(): JwtVerifier {
  const env = devEnv();
  return new JwtVerifier(
    Object.assign(new GatewayConfig(), {
      AUTH_JWT_SECRET: env.AUTH_JWT_SECRET,
      AUTH_JWT_ISSUER: env.AUTH_JWT_ISSUER,
      AUTH_JWT_AUDIENCE: env.AUTH_JWT_AUDIENCE,
    }),
  );
}

describe('JwtVerifier', () => {
  it('accepts a signed staff token and names its roles and store', async () => {
    const token = await staffToken(['store_clerk'], { storeId: 'S009', sub: 'E-7' });
    await expect(verifier().verify(token)).resolves.toMatchObject({
      sub: 'E-7',
      roles: ['store_clerk'],
      storeId: 'S009',
    });
  });

  it('refuses a token signed with another secret, also after a good one was remembered', async () => {
    const jwt = verifier();
    await jwt.verify(await staffToken(['desk_agent']));
    const forged = await staffToken(['admin'], { secret: 'x'.repeat(40) });
    await expect(jwt.verify(forged)).rejects.toBeInstanceOf(AppError);
  });

  it('stops taking a remembered token once it has expired', async () => {
    const jwt = verifier();
    // Its expiry is in whole seconds from a signing time rounded down: a one-second token
    // signed late in a second could expire before a busy machine verified it.
    const token = await staffToken(['desk_agent'], { expiresIn: '3s' });
    await expect(jwt.verify(token)).resolves.toMatchObject({ roles: ['desk_agent'] });
    await sleep(3100);
    await expect(jwt.verify(token)).rejects.toThrow(/exp/);
  });

  it('checks a signature once a minute per token, not on every request', async () => {
    const jwt = verifier();
    const check = jest.spyOn(jwt as unknown as { check: () => unknown }, 'check');
    const token = await staffToken(['desk_agent']);
    const now = Date.now();
    await jwt.verify(token, now);
    await jwt.verify(token, now + 30_000);
    expect(check).toHaveBeenCalledTimes(1);
    await expect(jwt.verify(token, now + 61_000)).resolves.toMatchObject({ sub: 'E-test' });
    expect(check).toHaveBeenCalledTimes(2);
  });
});
