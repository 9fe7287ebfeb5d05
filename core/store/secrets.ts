import { createHash } from 'node:crypto';
import { chmod, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-write';
import { FILES } from './layout';
import { registerSecret } from './redact';

/** Credentials of one shop or CRM, e.g. `{ key, secret }` or `{ token }`. */
export type Credentials = Record<string, string>;

export interface SecretStore {
  /** `keychain` (the OS keychain) or `file` (a file readable only by this user). */
  readonly kind: 'keychain' | 'file' | 'database';
  get(ref: string): Promise<Credentials | undefined>;
  set(ref: string, value: Credentials): Promise<void>;
  delete(ref: string): Promise<void>;
}

/** The OS keychain through @napi-rs/keyring (macOS Keychain, Windows Credential Manager, Secret Service). */
export interface KeychainEntry {
  setPassword(value: string): void;
  getPassword(): string | null | undefined;
  deletePassword(): boolean | void;
}
export type KeychainFactory = (service: string, account: string) => KeychainEntry;

function keychainStore(dataDir: string, entry: KeychainFactory): SecretStore {
  // One keychain service per data directory, so two data dirs never share credentials.
  const service = `Backroom (${createHash('sha256').update(dataDir).digest('hex').slice(0, 12)})`;
  return {
    kind: 'keychain',
    async get(ref) {
      const text = entry(service, ref).getPassword();
      if (!text) return undefined;
      const value = JSON.parse(text) as Credentials;
      Object.values(value).forEach(registerSecret);
      return value;
    },
    async set(ref, value) {
      Object.values(value).forEach(registerSecret);
      entry(service, ref).setPassword(JSON.stringify(value));
    },
    async delete(ref) {
      try {
        entry(service, ref).deletePassword();
      } catch {
        // Already gone: nothing to delete.
      }
    },
  };
}

/** Fallback where there is no keychain: secrets.json in the data directory, mode 0600. */
export function fileSecretStore(dataDir: string): SecretStore {
  const path = join(dataDir, FILES.secrets);
  async function load(): Promise<Record<string, Credentials>> {
    try {
      return JSON.parse(await readFile(path, 'utf8')) as Record<string, Credentials>;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw new Error(`${path}: the secrets file cannot be read (${(error as Error).message}); it was left untouched.`);
    }
  }
  async function save(all: Record<string, Credentials>): Promise<void> {
    await writeFileAtomic(path, JSON.stringify(all, null, 2), { mode: 0o600 });
    await chmod(path, 0o600).catch(() => undefined);
  }
  return {
    kind: 'file',
    async get(ref) {
      const value = (await load())[ref];
      if (value) Object.values(value).forEach(registerSecret);
      return value;
    },
    async set(ref, value) {
      Object.values(value).forEach(registerSecret);
      const all = await load();
      all[ref] = value;
      await save(all);
    },
    async delete(ref) {
      const all = await load();
      if (!(ref in all)) return;
      delete all[ref];
      await save(all);
    },
  };
}

/**
 * Picks the secret store: BACKROOM_SECRETS=file|keychain forces one; otherwise the keychain is
 * used when a probe write succeeds (a headless Linux box usually has none), else the 0600 file.
 */
export async function openSecretStore(dataDir: string, env: NodeJS.ProcessEnv = process.env, factory?: KeychainFactory): Promise<SecretStore> {
  const wanted = env.BACKROOM_SECRETS;
  if (wanted === 'file') return fileSecretStore(dataDir);
  const make = factory ?? (await loadKeychain());
  if (make && probe(make)) return keychainStore(dataDir, make);
  if (wanted === 'keychain') throw new Error('BACKROOM_SECRETS=keychain, but the OS keychain is not available on this machine.');
  return fileSecretStore(dataDir);
}

async function loadKeychain(): Promise<KeychainFactory | undefined> {
  try {
    const { Entry } = await import('@napi-rs/keyring');
    return (service, account) => new Entry(service, account);
  } catch {
    return undefined;
  }
}

function probe(make: KeychainFactory): boolean {
  try {
    const entry = make('Backroom probe', 'probe');
    entry.setPassword('probe');
    const ok = entry.getPassword() === 'probe';
    entry.deletePassword();
    return ok;
  } catch {
    return false;
  }
}
