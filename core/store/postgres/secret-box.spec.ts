// Shop and CRM keys sealed for the database: they open with the same key for the same row, and
// every change — one flipped bit anywhere, another key, another row — is refused with a message
// that says which of those it is.
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fc, test } from '@fast-check/vitest';
import { afterAll, describe, expect, it } from 'vitest';
import { generateStoreKey, loadStoreKey, openSecret, parseStoreKey, sealSecret, SealedSecretError, StoreKeyError } from './secret-box';

const key = parseStoreKey(generateStoreKey(), 'test');
const otherKey = parseStoreKey(generateStoreKey(), 'test');

function refusal(work: () => unknown): SealedSecretError {
  try {
    work();
  } catch (error) {
    expect(error).toBeInstanceOf(SealedSecretError);
    return error as SealedSecretError;
  }
  throw new Error('expected the sealed value to be refused');
}

/** Flips one bit of one of the binary fields (salt, iv, tag, data) of a sealed value. */
function flipBit(sealed: string, field: number, position: number, bit: number): string {
  const parts = sealed.split(':');
  const bytes = Buffer.from(parts[field]!, 'base64');
  const at = position % bytes.length;
  bytes[at] = bytes[at]! ^ (1 << bit);
  parts[field] = bytes.toString('base64');
  return parts.join(':');
}

describe('sealSecret / openSecret', () => {
  test.prop([fc.string({ maxLength: 500 }), fc.string({ minLength: 1, maxLength: 80 })], { numRuns: 300 })('opens what it sealed, and the sealed text holds no plaintext', (secret, context) => {
    const sealed = sealSecret(key, secret, context);
    expect(openSecret(key, sealed, context)).toBe(secret);
    if (secret.length >= 4) expect(sealed).not.toContain(secret);
  });

  it('seals the same secret differently each time', () => {
    expect(sealSecret(key, 'ck_abc', 'shop:Main')).not.toBe(sealSecret(key, 'ck_abc', 'shop:Main'));
  });

  test.prop([fc.string({ minLength: 1, maxLength: 200 }), fc.integer({ min: 2, max: 5 }), fc.nat(), fc.integer({ min: 0, max: 7 })], { numRuns: 400 })(
    'one flipped bit anywhere is refused as damaged',
    (secret, field, position, bit) => {
      const tampered = flipBit(sealSecret(key, secret, 'shop:Main'), field, position, bit);
      const error = refusal(() => openSecret(key, tampered, 'shop:Main'));
      expect(error.reason).toBe('damaged');
      expect(error.message).toBe('The stored keys for shop:Main are damaged or were changed outside Backroom: they fail their integrity check. Enter them again (shop set / crm set).');
    },
  );

  it('a value moved to another row does not open there', () => {
    const error = refusal(() => openSecret(key, sealSecret(key, 'cs_secret', 'shop:Main'), 'shop:Second'));
    expect(error.reason).toBe('damaged');
  });

  it('another key is named as the wrong key, with both fingerprints and not the key itself', () => {
    const error = refusal(() => openSecret(otherKey, sealSecret(key, 'cs_secret', 'crm:AC'), 'crm:AC'));
    expect(error.reason).toBe('wrong-key');
    expect(error.message).toContain(`fingerprint ${key.id}; the key given has ${otherKey.id}`);
    expect(error.message).not.toContain(key.bytes.toString('base64'));
  });

  it('a changed fingerprint, a truncated value or another format is refused, never decrypted', () => {
    const sealed = sealSecret(key, 'cs_secret', 'crm:AC');
    const parts = sealed.split(':');
    expect(refusal(() => openSecret(key, [parts[0], '0'.repeat(16), ...parts.slice(2)].join(':'), 'crm:AC')).reason).toBe('wrong-key');
    expect(refusal(() => openSecret(key, parts.slice(0, 5).join(':'), 'crm:AC')).reason).toBe('malformed');
    expect(refusal(() => openSecret(key, `br9:${parts.slice(1).join(':')}`, 'crm:AC')).reason).toBe('malformed');
    expect(refusal(() => openSecret(key, [...parts.slice(0, 3), 'AAAA', ...parts.slice(4)].join(':'), 'crm:AC')).reason).toBe('damaged');
  });
});

describe('loadStoreKey', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });
  const keyFile = async (content: string, mode: number) => {
    const dir = await mkdtemp(join(tmpdir(), 'br-key-'));
    dirs.push(dir);
    const path = join(dir, 'store.key');
    await writeFile(path, content);
    await chmod(path, mode);
    return path;
  };

  it('reads base64 or hex from BACKROOM_STORE_KEY, the same key either way', async () => {
    const text = generateStoreKey();
    const hex = Buffer.from(text, 'base64').toString('hex');
    const a = await loadStoreKey({ BACKROOM_STORE_KEY: text });
    const b = await loadStoreKey({ BACKROOM_STORE_KEY: hex });
    expect(a.id).toBe(b.id);
    expect(openSecret(b, sealSecret(a, 'shpat_x', 'shop:S'), 'shop:S')).toBe('shpat_x');
  });

  it('reads a private key file', async () => {
    const text = generateStoreKey();
    const loaded = await loadStoreKey({ BACKROOM_STORE_KEY_FILE: await keyFile(`${text}\n`, 0o600) });
    expect(loaded.id).toBe(parseStoreKey(text, 'x').id);
  });

  it.each([
    [{}, 'A PostgreSQL store needs a key to encrypt shop and CRM keys'],
    [{ BACKROOM_STORE_KEY: 'short' }, 'must be 32 random bytes written as base64 (44 characters) or hex (64 characters)'],
    [{ BACKROOM_STORE_KEY: Buffer.alloc(16).toString('base64') }, 'must be 32 random bytes'],
    [{ BACKROOM_STORE_KEY: generateStoreKey(), BACKROOM_STORE_KEY_FILE: '/k' }, 'set only one of them'],
    [{ BACKROOM_STORE_KEY_FILE: '/nowhere/store.key' }, 'does not exist or cannot be read'],
  ])('refuses %j', async (env, expected) => {
    const error = await loadStoreKey(env).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreKeyError);
    expect((error as Error).message).toContain(expected);
  });

  it.skipIf(process.platform === 'win32')('refuses a key file other users can read', async () => {
    const path = await keyFile(generateStoreKey(), 0o644);
    await expect(loadStoreKey({ BACKROOM_STORE_KEY_FILE: path })).rejects.toThrow(`can be read by other users (mode 644); make it private with: chmod 600 ${path}`);
  });
});
