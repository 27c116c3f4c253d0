import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** AES-256-GCM sealing of CRM credentials at rest: `v1` | 12-byte IV | 16-byte tag | ciphertext. */
const VERSION = Buffer.from('v1');
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The key from KAM_CRM_SECRET_KEY: 32 bytes in base64. Throws a message naming the fault. */
export function parseCrmSecretKey(raw: string): Buffer {
  const key = Buffer.from(raw, 'base64');
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(raw) || key.length !== 32)
    throw new Error(`must be 32 bytes in base64 (got ${key.length} bytes)`);
  return key;
}

/**
 * Seals a secret. `context` (the workspace id) is bound as additional data, so a sealed value copied to another
 * workspace's row does not open.
 */
export function seal(key: Buffer, plaintext: string, context: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([VERSION, iv, cipher.getAuthTag(), body]);
}

export function open(key: Buffer, sealed: Buffer, context: string): string {
  if (sealed.length < VERSION.length + IV_BYTES + TAG_BYTES || !sealed.subarray(0, 2).equals(VERSION))
    throw new Error('not a sealed CRM secret');
  const iv = sealed.subarray(2, 2 + IV_BYTES);
  const tag = sealed.subarray(2 + IV_BYTES, 2 + IV_BYTES + TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(Buffer.from(context));
  decipher.setAuthTag(tag);
  return Buffer.concat([
    decipher.update(sealed.subarray(2 + IV_BYTES + TAG_BYTES)),
    decipher.final(),
  ]).toString('utf8');
}
