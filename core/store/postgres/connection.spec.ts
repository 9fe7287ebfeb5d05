// The database address: every part is checked with a message naming what is wrong and what is
// allowed, TLS options reach node-postgres as libpq would apply them, and the password never
// survives into anything meant for display.
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { redact } from '../redact';
import { describeConnectionError, parseStoreAddress, poolConfigFor, redactAddress, sslOptionsFor, storeAddressFrom, StoreAddressError } from './connection';

function problem(text: string): string {
  try {
    parseStoreAddress(text);
  } catch (error) {
    expect(error).toBeInstanceOf(StoreAddressError);
    return (error as Error).message;
  }
  throw new Error(`expected ${text} to be refused`);
}

describe('parseStoreAddress', () => {
  it('reads every part of a full address', () => {
    const a = parseStoreAddress('postgresql://shop_team:p%40ss%2Fw0rd@db.example.com:6543/backroom?sslmode=verify-ca&sslrootcert=/etc/ssl/db-ca.pem&application_name=hub&connect_timeout=12&schema=merchant_1');
    expect(a).toMatchObject({
      host: 'db.example.com', port: 6543, database: 'backroom', user: 'shop_team', password: 'p@ss/w0rd',
      sslMode: 'verify-ca', sslRootCert: '/etc/ssl/db-ca.pem', applicationName: 'hub', connectTimeoutSeconds: 12, schema: 'merchant_1',
    });
    expect(a.display).toBe('postgres://shop_team@db.example.com:6543/backroom?sslmode=verify-ca&sslrootcert=%2Fetc%2Fssl%2Fdb-ca.pem&application_name=hub&connect_timeout=12&schema=merchant_1');
  });

  it('defaults: port 5432, schema backroom, no TLS on this computer, verified TLS elsewhere', () => {
    expect(parseStoreAddress('postgres://u@127.0.0.1/db')).toMatchObject({ port: 5432, schema: 'backroom', sslMode: 'disable', connectTimeoutSeconds: 30 });
    expect(parseStoreAddress('postgres://u@localhost/db').sslMode).toBe('disable');
    expect(parseStoreAddress('postgres://u@[::1]:5433/db')).toMatchObject({ host: '::1', port: 5433, sslMode: 'disable' });
    expect(parseStoreAddress('postgres://u@db.example.com/db').sslMode).toBe('verify-full');
    expect(parseStoreAddress('postgres://u@%2Fvar%2Frun%2Fpostgresql/db')).toMatchObject({ host: '/var/run/postgresql', sslMode: 'disable' });
  });

  it.each([
    ['', 'is empty'],
    ['mysql://u@h/db', 'must start with postgres:// or postgresql://'],
    ['postgres://h/db', 'must name the database user'],
    ['postgres://u@/db', 'must name the host'],
    ['postgres://u@h', 'must name the database'],
    ['postgres://u@h:0/db', 'port must be a whole number from 1 to 65535'],
    ['postgres://u@h:70000/db', 'port must be a whole number from 1 to 65535'],
    ['postgres://u@h:54x/db', 'port must be a whole number from 1 to 65535'],
    ['postgres://u@h/db?sslmode=prefer', 'use one of: disable, require, verify-ca, verify-full'],
    ['postgres://u@h/db?sslmode=strict', 'use one of: disable, require, verify-ca, verify-full'],
    ['postgres://u@h/db?ssl=true', "option 'ssl', which Backroom does not use"],
    ['postgres://u@h/db?sslmode=require&sslmode=disable', "gives option 'sslmode' twice"],
    ['postgres://u@h/db?connect_timeout=0', 'from 1 to 600'],
    ['postgres://u@h/db?connect_timeout=601', 'from 1 to 600'],
    ['postgres://u@h/db?schema=Public;drop', 'schema name is 1 to 63 lower-case letters'],
    ['postgres://u@h/db?sslcert=/c.pem', 'needs sslcert and sslkey together'],
    ['postgres://u@h/db?sslmode=disable&sslrootcert=/ca.pem', 'sslmode=disable together with certificate files'],
    ['postgres://u@h/db?sslrootcert=', 'empty sslrootcert'],
    ['postgres://u:%E0%A4%A@h/db', 'badly encoded password'],
    ['postgres://u@bad host/db', 'not a host name'],
    [`postgres://u@h/${'d'.repeat(64)}`, 'at most 63 characters'],
    [`postgres://u@h/db?application_name=${'a'.repeat(3000)}`, 'at most 2048 are allowed'],
  ])('refuses %s with a message saying what is allowed', (text, expected) => {
    const message = problem(text);
    expect(message).toContain(expected);
    expect(message.startsWith('The database address')).toBe(true);
  });

  it('takes BACKROOM_STORE when no flag is given, the flag first, and nothing means the local folder', () => {
    expect(storeAddressFrom(undefined, {})).toBeNull();
    expect(storeAddressFrom(undefined, { BACKROOM_STORE: '  ' })).toBeNull();
    expect(storeAddressFrom(undefined, { BACKROOM_STORE: 'postgres://env@h/db' })?.user).toBe('env');
    expect(storeAddressFrom('postgres://flag@h/db', { BACKROOM_STORE: 'postgres://env@h/db' })?.user).toBe('flag');
  });

  const passwordChars = fc.constantFrom(...'abcXYZ0189!#$%^&*()-_=+[]{};:,.<>?/@~ \'"\\`|'.split(''));
  const passwords = fc.string({ unit: passwordChars, minLength: 1, maxLength: 40 });

  test.prop([passwords, fc.constantFrom('127.0.0.1', 'db.example.com'), fc.integer({ min: 1, max: 65_535 })], { numRuns: 300 })(
    'any password round-trips through its encoded form, and is in no display text',
    (password, host, port) => {
      const address = parseStoreAddress(`postgres://team:${encodeURIComponent(password)}@${host}:${port}/backroom?sslmode=require`);
      expect(address.password).toBe(password);
      expect(address.display).toBe(`postgres://team@${host}:${port}/backroom?sslmode=require`);
      const line = `could not use postgres://team:${encodeURIComponent(password)}@${host}:${port}/backroom (password ${password})`;
      const shown = redactAddress(line, address);
      // The redacted line may still hold the password by coincidence ("]@1" is inside "[redacted]@127…"):
      // it must hold it no more often than the fully redacted line does.
      const count = (text: string) => text.split(password).length - 1;
      const fullyRedacted = `could not use postgres://team:[redacted]@${host}:${port}/backroom (password [redacted])`;
      if (password.length >= 3) expect(count(shown)).toBeLessThanOrEqual(count(fullyRedacted));
      expect(shown).not.toContain(`:${encodeURIComponent(password)}@`);
    },
  );

  test.prop([fc.string({ unit: fc.constantFrom(...'abcdef0123456789'), minLength: 1, maxLength: 30 })], { numRuns: 200 })(
    'the shared redaction masks the password of any postgres address, even one never parsed',
    (password) => {
      const shown = redact(`connect postgres://someone:${password}@10.0.0.9:5432/db failed`);
      expect(shown).not.toContain(`:${password}@`);
      expect(shown).toContain('postgres://someone:[redacted]@10.0.0.9:5432/db');
    },
  );
});

describe('TLS options', () => {
  const files: Record<string, string> = { '/ca.pem': 'CA-PEM', '/client.pem': 'CERT-PEM', '/client.key': 'KEY-PEM' };
  const read = async (path: string) => {
    const text = files[path];
    if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
    return text;
  };

  it('disable: no TLS at all', async () => {
    expect(await sslOptionsFor(parseStoreAddress('postgres://u@h/db?sslmode=disable'), read)).toBe(false);
  });

  it('require: encrypted, certificate not checked, unless a CA is given', async () => {
    const plain = await sslOptionsFor(parseStoreAddress('postgres://u@h/db?sslmode=require'), read);
    expect(plain).toMatchObject({ rejectUnauthorized: false });
    const withCa = await sslOptionsFor(parseStoreAddress('postgres://u@h/db?sslmode=require&sslrootcert=/ca.pem'), read);
    expect(withCa).toMatchObject({ rejectUnauthorized: true, ca: 'CA-PEM' });
  });

  it('verify-ca checks the chain but not the host name; verify-full checks both', async () => {
    const ca = await sslOptionsFor(parseStoreAddress('postgres://u@h/db?sslmode=verify-ca&sslrootcert=/ca.pem'), read);
    expect(ca).toMatchObject({ rejectUnauthorized: true, ca: 'CA-PEM' });
    expect(typeof (ca as { checkServerIdentity?: unknown }).checkServerIdentity).toBe('function');
    const full = await sslOptionsFor(parseStoreAddress('postgres://u@h/db?sslmode=verify-full&sslrootcert=/ca.pem'), read);
    expect(full).toEqual({ rejectUnauthorized: true, ca: 'CA-PEM' });
    const system = await sslOptionsFor(parseStoreAddress('postgres://u@h/db?sslrootcert=system'), read);
    expect(system).toEqual({ rejectUnauthorized: true });
  });

  it('client certificates pass through; the key file is never shown', async () => {
    const address = parseStoreAddress('postgres://u@h/db?sslmode=verify-full&sslcert=/client.pem&sslkey=/client.key');
    expect(await sslOptionsFor(address, read)).toEqual({ rejectUnauthorized: true, cert: 'CERT-PEM', key: 'KEY-PEM' });
    expect(address.display).not.toContain('client.key');
  });

  it('a missing CA file is named in the message', async () => {
    await expect(sslOptionsFor(parseStoreAddress('postgres://u@h/db?sslmode=verify-full&sslrootcert=/nowhere/ca.pem'), read)).rejects.toThrow(
      'The CA certificate (sslrootcert) file /nowhere/ca.pem given in the database address does not exist.',
    );
  });

  it('the pool configuration carries the address, the timeout in milliseconds and the TLS options', async () => {
    const config = await poolConfigFor(parseStoreAddress('postgres://u:pw@db.example.com:7000/shop?connect_timeout=5&sslrootcert=/ca.pem'), read);
    expect(config).toMatchObject({ host: 'db.example.com', port: 7000, database: 'shop', user: 'u', password: 'pw', connectionTimeoutMillis: 5000, ssl: { ca: 'CA-PEM', rejectUnauthorized: true } });
  });
});

describe('describeConnectionError', () => {
  const address = parseStoreAddress('postgres://team:Sup3r-S3cret-Pa55@db.example.com:5432/backroom');
  it.each([
    ['ECONNREFUSED', 'nothing is listening there'],
    ['ENOTFOUND', "Could not find the database host 'db.example.com'"],
    ['28P01', "refused the password for user 'team'"],
    ['3D000', "The database 'backroom' does not exist"],
    ['42501', 'It needs CONNECT and CREATE on the database'],
  ])('%s becomes a sentence naming what to check, without the password', (code, expected) => {
    const raw = Object.assign(new Error('failed for postgres://team:Sup3r-S3cret-Pa55@db.example.com/backroom (Sup3r-S3cret-Pa55)'), { code });
    const described = describeConnectionError(raw, address);
    expect(described.message).toContain(expected);
    expect(described.message).not.toContain('Sup3r-S3cret-Pa55');
    expect(described.code).toBe(code);
  });
});
