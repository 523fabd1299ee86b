import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

const PREFIX = 'enc:v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface FieldCipherKeys {
  /** Every key that may still be needed to read: `keyId → 32-byte key`. */
  keys: Map<string, Buffer>;
  /** The key new values are written with; older ones stay readable until re-encrypted. */
  activeKeyId: string;
  /** The HMAC key of blind indexes (lookups by an encrypted value). */
  blindIndexKey: Buffer;
}

/**
 * Application-level encryption of personal and health fields (AES-256-GCM). A stored value
 * reads `enc:v1:<keyId>:<iv>:<ciphertext+tag>` (base64url), so keys can rotate: values
 * name the key they were written with. The field name is authenticated data, so a value
 * copied into another field does not decrypt.
 */
export class FieldCipher {
  constructor(private readonly config: FieldCipherKeys) {
    if (!config.keys.has(config.activeKeyId))
      throw new Error(`No key with id "${config.activeKeyId}"`);
    for (const [id, key] of config.keys)
      if (key.length !== 32) throw new Error(`Key "${id}" must be 32 bytes`);
    if (config.blindIndexKey.length < 32)
      throw new Error('The blind-index key must be at least 32 bytes');
  }

  /** Parses `id:base64,id:base64` as configuration carries keys. */
  static parseKeys(list: string): Map<string, Buffer> {
    return new Map(
      list.split(',').map((entry) => {
        const [id, key] = entry.trim().split(':');
        return [id, Buffer.from(key ?? '', 'base64')];
      }),
    );
  }

  encrypt(plain: string, field: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(
      'aes-256-gcm',
      this.config.keys.get(this.config.activeKeyId)!,
      iv,
    );
    cipher.setAAD(Buffer.from(field));
    const sealed = Buffer.concat([
      cipher.update(plain, 'utf8'),
      cipher.final(),
      cipher.getAuthTag(),
    ]);
    return [
      PREFIX,
      this.config.activeKeyId,
      iv.toString('base64url'),
      sealed.toString('base64url'),
    ].join(':');
  }

  decrypt(stored: string, field: string): string {
    const [enc, version, keyId, iv, sealed] = stored.split(':');
    if (`${enc}:${version}` !== PREFIX || !iv || !sealed)
      throw new Error(`${field} is not an encrypted value`);
    const key = this.config.keys.get(keyId);
    if (!key)
      throw new Error(`${field} was encrypted with key "${keyId}", which is not configured`);
    const bytes = Buffer.from(sealed, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(field));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    return Buffer.concat([
      decipher.update(bytes.subarray(0, bytes.length - TAG_BYTES)),
      decipher.final(),
    ]).toString('utf8');
  }

  /** The key id a stored value was written with (to find values due for re-encryption). */
  keyIdOf(stored: string): string | undefined {
    return stored.startsWith(`${PREFIX}:`) ? stored.split(':')[2] : undefined;
  }

  /** A keyed, deterministic digest: equal inputs match without the plain value being stored. */
  blindIndex(value: string, field: string): string {
    return createHmac('sha256', this.config.blindIndexKey)
      .update(`${field}\u0000${value}`)
      .digest('base64url');
  }
}
