import { randomBytes } from 'node:crypto';
import { FieldCipher } from './field-cipher';

const k1 = randomBytes(32);
const k2 = randomBytes(32);
const blindIndexKey = randomBytes(32);

describe('FieldCipher', () => {
  const cipher = new FieldCipher({ keys: new Map([['k1', k1]]), activeKeyId: 'k1', blindIndexKey });

  it('round-trips, and never writes the same ciphertext twice', () => {
    const a = cipher.encrypt('13800138000', 'phone');
    const b = cipher.encrypt('13800138000', 'phone');
    expect(a).not.toEqual(b);
    expect(a).not.toContain('13800138000');
    expect(a).toMatch(/^enc:v1:k1:/);
    expect(cipher.decrypt(a, 'phone')).toBe('13800138000');
  });

  it('refuses a value moved to another field or tampered with', () => {
    const stored = cipher.encrypt('penicillin', 'allergies');
    expect(() => cipher.decrypt(stored, 'conditions')).toThrow();
    // Flip a bit of a decoded byte: changing the last base64 character alone may only
    // touch padding bits the decoder drops, and then nothing was tampered with.
    const parts = stored.split(':');
    const sealed = Buffer.from(parts[4], 'base64url');
    sealed[0] ^= 0x01;
    parts[4] = sealed.toString('base64url');
    expect(() => cipher.decrypt(parts.join(':'), 'allergies')).toThrow();
  });

  it('reads values written with an older key after rotation', () => {
    const old = cipher.encrypt('13800138000', 'phone');
    const rotated = new FieldCipher({
      keys: new Map([
        ['k1', k1],
        ['k2', k2],
      ]),
      activeKeyId: 'k2',
      blindIndexKey,
    });
    expect(rotated.decrypt(old, 'phone')).toBe('13800138000');
    expect(rotated.keyIdOf(rotated.encrypt('x', 'phone'))).toBe('k2');
    const withoutOld = new FieldCipher({
      keys: new Map([['k2', k2]]),
      activeKeyId: 'k2',
      blindIndexKey,
    });
    expect(() => withoutOld.decrypt(old, 'phone')).toThrow(/key "k1"/);
  });

  it('gives equal blind indexes for equal values only, per field and per key', () => {
    expect(cipher.blindIndex('13800138000', 'phone')).toBe(
      cipher.blindIndex('13800138000', 'phone'),
    );
    expect(cipher.blindIndex('13800138000', 'phone')).not.toBe(
      cipher.blindIndex('13800138001', 'phone'),
    );
    expect(cipher.blindIndex('13800138000', 'phone')).not.toBe(
      cipher.blindIndex('13800138000', 'landline'),
    );
    const other = new FieldCipher({
      keys: new Map([['k1', k1]]),
      activeKeyId: 'k1',
      blindIndexKey: randomBytes(32),
    });
    expect(other.blindIndex('13800138000', 'phone')).not.toBe(
      cipher.blindIndex('13800138000', 'phone'),
    );
  });

  it('parses keys as configuration carries them, and checks their size', () => {
    const keys = FieldCipher.parseKeys(`k1:${k1.toString('base64')}, k2:${k2.toString('base64')}`);
    expect([...keys.keys()]).toEqual(['k1', 'k2']);
    expect(
      () =>
        new FieldCipher({
          keys: new Map([['k1', randomBytes(16)]]),
          activeKeyId: 'k1',
          blindIndexKey,
        }),
    ).toThrow(/32 bytes/);
  });
});
