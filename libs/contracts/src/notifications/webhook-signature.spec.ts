import { createHmac } from 'node:crypto';
import { signWebhook, verifyWebhook } from './webhook-signature';

const secret = 'a-provider-secret-0123456789';
const body = Buffer.from('{"eventId":"evt_1","messageId":"m1","status":"delivered"}');
const now = 1_795_000_000_000;
const ts = String(now / 1000);

describe('webhook signatures (CONTRACTS.md §4)', () => {
  it('accepts the provider’s signature over "<timestamp>.<raw body>"', () => {
    const expected = createHmac('sha256', secret).update(`${ts}.${body}`).digest('hex');
    expect(signWebhook(secret, ts, body)).toBe(`sha256=${expected}`);
    expect(verifyWebhook(secret, ts, signWebhook(secret, ts, body), body, now)).toEqual({
      ok: true,
    });
  });

  it('refuses another key, one changed byte, another timestamp', () => {
    expect(
      verifyWebhook(secret, ts, signWebhook('another-secret-0123456789', ts, body), body, now),
    ).toEqual({ ok: false, reason: 'mismatch' });
    const tampered = Buffer.from(body);
    tampered[5] ^= 1;
    expect(verifyWebhook(secret, ts, signWebhook(secret, ts, body), tampered, now)).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    expect(
      verifyWebhook(secret, String(now / 1000 + 1), signWebhook(secret, ts, body), body, now),
    ).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('refuses a timestamp more than 300 s off either way', () => {
    const old = String(now / 1000 - 301);
    expect(verifyWebhook(secret, old, signWebhook(secret, old, body), body, now)).toEqual({
      ok: false,
      reason: 'stale',
    });
    const edge = String(now / 1000 - 300);
    expect(verifyWebhook(secret, edge, signWebhook(secret, edge, body), body, now)).toEqual({
      ok: true,
    });
    const future = String(now / 1000 + 301);
    expect(verifyWebhook(secret, future, signWebhook(secret, future, body), body, now)).toEqual({
      ok: false,
      reason: 'stale',
    });
  });

  it('refuses missing or malformed headers', () => {
    expect(verifyWebhook(secret, undefined, 'sha256=00', body, now)).toEqual({
      ok: false,
      reason: 'missing',
    });
    expect(verifyWebhook(secret, ts, 'md5=abc', body, now)).toEqual({
      ok: false,
      reason: 'malformed',
    });
    expect(verifyWebhook(secret, '12.5', signWebhook(secret, ts, body), body, now)).toEqual({
      ok: false,
      reason: 'malformed',
    });
  });
});
