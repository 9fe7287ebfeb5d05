/**
 * Shop and CRM keys in a PostgreSQL store are encrypted before they reach the database, with a key
 * the operator keeps elsewhere (BACKROOM_STORE_KEY, or a file named by BACKROOM_STORE_KEY_FILE):
 * a copy of the database alone, a backup or a replica, gives nobody the merchant's shop keys.
 *
 * AES-256-GCM. Each sealed value records which key sealed it (a fingerprint, not the key), so a
 * wrong key and a damaged value are told apart, and is bound to what it belongs to (e.g.
 * `shop:Main shop`), so a value copied onto another row does not open there.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';

export const STORE_KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const FORMAT = 'br1';
/** The largest secret sealed: shop and CRM credentials are a few hundred bytes. */
export const MAX_SECRET_BYTES = 64 * 1024;

export interface StoreKey {
  /** Short public fingerprint of the key: says which key sealed a value without revealing it. */
  readonly id: string;
  readonly bytes: Buffer;
}

export class StoreKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreKeyError';
  }
}

export class SealedSecretError extends Error {
  constructor(
    message: string,
    readonly reason: 'wrong-key' | 'damaged' | 'malformed',
  ) {
    super(message);
    this.name = 'SealedSecretError';
  }
}

const HOW_TO_MAKE = 'Make one with: openssl rand -base64 32';

/** A key from its text form: 32 bytes as base64 (44 characters) or as 64 hex digits. */
export function parseStoreKey(text: string, from: string): StoreKey {
  const trimmed = text.trim();
  let bytes: Buffer | undefined;
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) bytes = Buffer.from(trimmed, 'hex');
  else if (/^[A-Za-z0-9+/]{43}=$/.test(trimmed)) bytes = Buffer.from(trimmed, 'base64');
  if (!bytes || bytes.length !== STORE_KEY_BYTES) {
    throw new StoreKeyError(`The store key in ${from} must be 32 random bytes written as base64 (44 characters) or hex (64 characters); it is not. ${HOW_TO_MAKE}`);
  }
  const id = createHash('sha256').update('backroom store key id').update(bytes).digest('hex').slice(0, 16);
  return { id, bytes };
}

/** A new random key in the form parseStoreKey reads. */
export function generateStoreKey(): string {
  return randomBytes(STORE_KEY_BYTES).toString('base64');
}

/**
 * The operator's key: BACKROOM_STORE_KEY, or the file BACKROOM_STORE_KEY_FILE names (readable by
 * its owner only). Exactly one of them; neither is an error, since a PostgreSQL store never keeps
 * shop keys unencrypted.
 */
export async function loadStoreKey(env: NodeJS.ProcessEnv = process.env): Promise<StoreKey> {
  const inline = env.BACKROOM_STORE_KEY?.trim();
  const file = env.BACKROOM_STORE_KEY_FILE?.trim();
  if (inline && file) throw new StoreKeyError('Both BACKROOM_STORE_KEY and BACKROOM_STORE_KEY_FILE are set; set only one of them.');
  if (inline) return parseStoreKey(inline, 'BACKROOM_STORE_KEY');
  if (!file) {
    throw new StoreKeyError(`A PostgreSQL store needs a key to encrypt shop and CRM keys: set BACKROOM_STORE_KEY, or BACKROOM_STORE_KEY_FILE to a file holding it. Keep it away from the database and its backups. ${HOW_TO_MAKE}`);
  }
  let info;
  try {
    info = await stat(file);
  } catch {
    throw new StoreKeyError(`The store key file ${file} (BACKROOM_STORE_KEY_FILE) does not exist or cannot be read.`);
  }
  if (!info.isFile()) throw new StoreKeyError(`The store key file ${file} (BACKROOM_STORE_KEY_FILE) is not a file.`);
  if (info.size > 1024) throw new StoreKeyError(`The store key file ${file} is ${info.size} bytes; a key file holds one key of at most 1024 bytes.`);
  if (process.platform !== 'win32' && (info.mode & 0o077) !== 0) {
    throw new StoreKeyError(`The store key file ${file} can be read by other users (mode ${(info.mode & 0o777).toString(8)}); make it private with: chmod 600 ${file}`);
  }
  return parseStoreKey(await readFile(file, 'utf8'), `the file ${file}`);
}

/** The associated data: the format, the key's fingerprint and what the value belongs to. */
function aad(keyId: string, context: string): Buffer {
  return Buffer.from(`${FORMAT}\n${keyId}\n${context}`, 'utf8');
}

/** Seals `plaintext` for the row `context` names; the result is text safe to store in a column. */
export function sealSecret(key: StoreKey, plaintext: string, context: string): string {
  const data = Buffer.from(plaintext, 'utf8');
  if (data.length > MAX_SECRET_BYTES) throw new SealedSecretError(`A secret for ${context} is ${data.length} bytes; at most ${MAX_SECRET_BYTES} are stored.`, 'malformed');
  // A per-value subkey keeps the number of GCM encryptions under one key far below its safe limit.
  const salt = randomBytes(16);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', subkey(key, salt), iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad(key.id, context));
  const sealed = Buffer.concat([cipher.update(data), cipher.final()]);
  return [FORMAT, key.id, salt.toString('base64'), iv.toString('base64'), cipher.getAuthTag().toString('base64'), sealed.toString('base64')].join(':');
}

function subkey(key: StoreKey, salt: Buffer): Buffer {
  return createHmac('sha256', key.bytes).update(salt).digest();
}

/** Opens a value sealed by sealSecret for the same context; says plainly when the key is wrong or the value was changed. */
export function openSecret(key: StoreKey, sealed: string, context: string): string {
  const parts = sealed.split(':');
  if (parts.length !== 6 || parts[0] !== FORMAT) {
    throw new SealedSecretError(`The stored keys for ${context} are not in a form this Backroom reads (expected ${FORMAT}). The database may have been written by a newer Backroom, or edited by hand.`, 'malformed');
  }
  const [, keyId, saltText, ivText, tagText, dataText] = parts as [string, string, string, string, string, string];
  if (keyId !== key.id) {
    throw new SealedSecretError(`The stored keys for ${context} were encrypted with a different store key (fingerprint ${keyId}; the key given has ${key.id}). Start Backroom with the key this database was set up with.`, 'wrong-key');
  }
  const salt = Buffer.from(saltText, 'base64');
  const iv = Buffer.from(ivText, 'base64');
  const tag = Buffer.from(tagText, 'base64');
  if (salt.length !== 16 || iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
    throw new SealedSecretError(`The stored keys for ${context} are damaged: they cannot be decrypted. Enter them again (shop set / crm set).`, 'damaged');
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', subkey(key, salt), iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad(keyId, context));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(Buffer.from(dataText, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    throw new SealedSecretError(`The stored keys for ${context} are damaged or were changed outside Backroom: they fail their integrity check. Enter them again (shop set / crm set).`, 'damaged');
  }
}
