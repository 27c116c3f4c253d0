import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Envelope encryption of document content (issue 6): AES-256-GCM with a random data key per document version;
 * the data key is itself sealed (AES-256-GCM) with a master key, whose id is stored beside it so master keys can
 * rotate: re-wrapping the data keys never touches the content. Pure: node:crypto only.
 */
export interface MasterKey {
  id: string;
  key: Buffer;
}

export interface SealedContent {
  ciphertext: Buffer;
  iv: Buffer;
  authTag: Buffer;
  /** iv (12) | tag (16) | encrypted data key (32). */
  wrappedKey: Buffer;
  keyId: string;
  /** SHA-256 of the plaintext, hex. */
  sha256: string;
}

export class ContentCorruptError extends Error {
  constructor(reason: string) {
    super(`document content failed its integrity check: ${reason}`);
  }
}

export class MasterKeyMissingError extends Error {
  constructor(readonly keyId: string) {
    super(`master key ${keyId} is not configured`);
  }
}

const ALGO = 'aes-256-gcm';

export function sha256Hex(buf: Uint8Array): string {
  return createHash('sha256').update(buf).digest('hex');
}

function gcmSeal(key: Buffer, plain: Buffer, aad: Buffer): { iv: Buffer; tag: Buffer; ct: Buffer } {
  const iv = randomBytes(12);
  const c = createCipheriv(ALGO, key, iv);
  c.setAAD(aad);
  const ct = Buffer.concat([c.update(plain), c.final()]);
  return { iv, tag: c.getAuthTag(), ct };
}

function gcmOpen(key: Buffer, iv: Buffer, tag: Buffer, ct: Buffer, aad: Buffer): Buffer {
  const d = createDecipheriv(ALGO, key, iv);
  d.setAAD(aad);
  d.setAuthTag(tag);
  return Buffer.concat([d.update(ct), d.final()]);
}

/** Seals a data key under a master key; `aad` binds it to its version row. */
export function wrapKey(dataKey: Buffer, master: MasterKey, aad: string): Buffer {
  const { iv, tag, ct } = gcmSeal(master.key, dataKey, Buffer.from(`${master.id}|${aad}`));
  return Buffer.concat([iv, tag, ct]);
}

export function unwrapKey(wrapped: Buffer, master: MasterKey, aad: string): Buffer {
  try {
    return gcmOpen(
      master.key,
      wrapped.subarray(0, 12),
      wrapped.subarray(12, 28),
      wrapped.subarray(28),
      Buffer.from(`${master.id}|${aad}`),
    );
  } catch {
    throw new ContentCorruptError('the data key does not open with its master key');
  }
}

/** Encrypts `plain` with a fresh data key wrapped by `master`; `aad` (the version id) binds both to the row. */
export function seal(plain: Buffer, master: MasterKey, aad: string): SealedContent {
  const dataKey = randomBytes(32);
  const { iv, tag, ct } = gcmSeal(dataKey, plain, Buffer.from(aad));
  const wrappedKey = wrapKey(dataKey, master, aad);
  dataKey.fill(0);
  return { ciphertext: ct, iv, authTag: tag, wrappedKey, keyId: master.id, sha256: sha256Hex(plain) };
}

/** Decrypts and checks the content hash; any failure is ContentCorruptError, never the bad bytes. */
export function open(
  sealed: Omit<SealedContent, 'keyId'> & { keyId: string },
  masters: ReadonlyMap<string, MasterKey>,
  aad: string,
): Buffer {
  const master = masters.get(sealed.keyId);
  if (!master) throw new MasterKeyMissingError(sealed.keyId);
  const dataKey = unwrapKey(sealed.wrappedKey, master, aad);
  let plain: Buffer;
  try {
    plain = gcmOpen(dataKey, sealed.iv, sealed.authTag, sealed.ciphertext, Buffer.from(aad));
  } catch {
    throw new ContentCorruptError('the ciphertext does not authenticate');
  } finally {
    dataKey.fill(0);
  }
  if (sha256Hex(plain) !== sealed.sha256) throw new ContentCorruptError('the SHA-256 content hash differs');
  return plain;
}

/** The same data key under another master key (rotation): the content stays as it is. */
export function rewrap(wrapped: Buffer, from: MasterKey, to: MasterKey, aad: string): Buffer {
  const dataKey = unwrapKey(wrapped, from, aad);
  try {
    return wrapKey(dataKey, to, aad);
  } finally {
    dataKey.fill(0);
  }
}
