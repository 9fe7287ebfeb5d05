/**
 * Where a PostgreSQL store lives: a `postgres://user:password@host:port/database?…` address, given
 * with `--store` or BACKROOM_STORE. Parsed and checked here, once, with messages that say what is
 * wrong and what is allowed. The password is registered for redaction as soon as it is read, and
 * nothing this module returns for display ever contains it.
 */
import { readFile } from 'node:fs/promises';
import type { PoolConfig } from 'pg';
import { redact, registerSecret, REDACTED } from '../redact';

/** libpq's sslmode values that node-postgres can honour (it cannot fall back from TLS to plain, so no allow/prefer). */
export const SSL_MODES = ['disable', 'require', 'verify-ca', 'verify-full'] as const;
export type SslMode = (typeof SSL_MODES)[number];

/** Query parameters Backroom understands; anything else is refused rather than silently ignored. */
export const URL_PARAMETERS = ['sslmode', 'sslrootcert', 'sslcert', 'sslkey', 'application_name', 'connect_timeout', 'schema'] as const;

export const MAX_URL_LENGTH = 2048;
export const CONNECT_TIMEOUT_SECONDS = { min: 1, max: 600, default: 30 } as const;
export const DEFAULT_SCHEMA = 'backroom';

export interface StoreAddress {
  host: string;
  port: number;
  database: string;
  user: string;
  /** Absent when the server trusts this user or the password comes from PGPASSWORD / ~/.pgpass. */
  password?: string;
  sslMode: SslMode;
  /** CA certificate file the server's certificate must chain to; `system` means the operating system's CAs. */
  sslRootCert?: string;
  /** Client certificate and key files, for servers that ask for one. */
  sslCert?: string;
  sslKey?: string;
  applicationName: string;
  connectTimeoutSeconds: number;
  /** The one schema Backroom creates and uses in that database. */
  schema: string;
  /** The address without its password, safe to print: `postgres://user@host:5432/db`. */
  display: string;
}

export class StoreAddressError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreAddressError';
  }
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

function fail(problem: string): never {
  throw new StoreAddressError(`The database address ${problem}`);
}

function decode(part: string, what: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return fail(`has a badly encoded ${what} (use %XX for special characters, e.g. %40 for @).`);
  }
}

/**
 * Parses a `postgres://` or `postgresql://` address. Without sslmode, a server on this computer is
 * reached without TLS and any other server with TLS and a verified certificate (verify-full):
 * a password never crosses a network in the clear unless the address says `sslmode=disable`.
 */
export function parseStoreAddress(text: string): StoreAddress {
  const raw = text.trim();
  if (raw.length === 0) fail('is empty: give one like postgres://backroom@db.example.com:5432/backroom.');
  if (raw.length > MAX_URL_LENGTH) fail(`is ${raw.length} characters long; at most ${MAX_URL_LENGTH} are allowed.`);
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(raw);
  if (!scheme || !['postgres', 'postgresql'].includes(scheme[1]!.toLowerCase())) {
    fail('must start with postgres:// or postgresql://, e.g. postgres://backroom@db.example.com:5432/backroom.');
  }
  // Split by hand rather than with URL: URL would keep the password in its error messages and
  // reject passwords with characters libpq accepts.
  const rest = raw.slice(scheme[0].length);
  const queryAt = rest.indexOf('?');
  const beforeQuery = queryAt === -1 ? rest : rest.slice(0, queryAt);
  const query = queryAt === -1 ? '' : rest.slice(queryAt + 1);
  const slash = beforeQuery.indexOf('/', beforeQuery.lastIndexOf('@') + 1);
  const authority = slash === -1 ? beforeQuery : beforeQuery.slice(0, slash);
  const path = slash === -1 ? '' : beforeQuery.slice(slash + 1);

  const at = authority.lastIndexOf('@');
  const userInfo = at === -1 ? '' : authority.slice(0, at);
  const hostPort = at === -1 ? authority : authority.slice(at + 1);
  const colon = userInfo.indexOf(':');
  const user = decode(colon === -1 ? userInfo : userInfo.slice(0, colon), 'user name');
  const password = colon === -1 ? undefined : decode(userInfo.slice(colon + 1), 'password');
  if (password) registerSecret(password);
  if (!user) fail('must name the database user before the host, e.g. postgres://backroom@db.example.com/backroom.');
  if (user.length > 63) fail('has a user name longer than 63 characters.');

  const hostMatch = /^(\[[0-9a-fA-F:]+\]|[^:[\]]*)(?::(.*))?$/.exec(hostPort);
  if (!hostMatch) fail(`has a host that cannot be read: ${hostPort}.`);
  const host = decode(hostMatch[1]!, 'host');
  if (!host) fail('must name the host, e.g. postgres://backroom@db.example.com:5432/backroom.');
  if (!host.startsWith('/') && !/^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]{1,253})$/.test(host)) {
    fail(`has a host '${host}' that is not a host name, an IP address or a socket folder.`);
  }
  let port = 5432;
  if (hostMatch[2] !== undefined) {
    port = /^\d{1,5}$/.test(hostMatch[2]) ? Number(hostMatch[2]) : NaN;
    if (!(port >= 1 && port <= 65_535)) fail(`has port '${hostMatch[2]}'; the port must be a whole number from 1 to 65535.`);
  }

  const database = decode(path, 'database name');
  if (!database) fail('must name the database after the host, e.g. postgres://backroom@db.example.com:5432/backroom.');
  if (database.includes('/') || database.length > 63) fail(`names database '${database}'; a database name has at most 63 characters and no '/'.`);

  const params = new Map<string, string>();
  for (const pair of query.split('&').filter(Boolean)) {
    const eq = pair.indexOf('=');
    const key = decode(eq === -1 ? pair : pair.slice(0, eq), 'option');
    const value = decode(eq === -1 ? '' : pair.slice(eq + 1), `value of ${key}`);
    if (!(URL_PARAMETERS as readonly string[]).includes(key)) fail(`has option '${key}', which Backroom does not use; it understands: ${URL_PARAMETERS.join(', ')}.`);
    if (params.has(key)) fail(`gives option '${key}' twice.`);
    params.set(key, value);
  }

  const local = host.startsWith('/') || LOCAL_HOSTS.has(host);
  const sslModeText = params.get('sslmode') ?? (local ? 'disable' : 'verify-full');
  if (!(SSL_MODES as readonly string[]).includes(sslModeText)) {
    const hint = sslModeText === 'prefer' || sslModeText === 'allow' ? ' (prefer and allow may silently fall back to no encryption, so Backroom does not offer them)' : '';
    fail(`has sslmode=${sslModeText}; use one of: ${SSL_MODES.join(', ')}${hint}.`);
  }
  const sslMode = sslModeText as SslMode;
  const files = { sslRootCert: params.get('sslrootcert'), sslCert: params.get('sslcert'), sslKey: params.get('sslkey') };
  for (const [name, value] of Object.entries(files)) if (value === '') fail(`has an empty ${name.toLowerCase()}; give the path of the file.`);
  if ((files.sslCert === undefined) !== (files.sslKey === undefined)) fail('needs sslcert and sslkey together (the client certificate and its key).');
  if (sslMode === 'disable' && (files.sslRootCert || files.sslCert)) fail('has sslmode=disable together with certificate files; remove one or the other.');

  const timeoutText = params.get('connect_timeout');
  let connectTimeoutSeconds: number = CONNECT_TIMEOUT_SECONDS.default;
  if (timeoutText !== undefined) {
    connectTimeoutSeconds = /^\d{1,4}$/.test(timeoutText) ? Number(timeoutText) : NaN;
    if (!(connectTimeoutSeconds >= CONNECT_TIMEOUT_SECONDS.min && connectTimeoutSeconds <= CONNECT_TIMEOUT_SECONDS.max)) {
      fail(`has connect_timeout=${timeoutText}; it must be a whole number of seconds from ${CONNECT_TIMEOUT_SECONDS.min} to ${CONNECT_TIMEOUT_SECONDS.max}.`);
    }
  }
  const schema = params.get('schema') ?? DEFAULT_SCHEMA;
  if (!IDENTIFIER.test(schema)) fail(`has schema '${schema}'; a schema name is 1 to 63 lower-case letters, digits or underscores, not starting with a digit.`);
  const applicationName = params.get('application_name') ?? 'backroom';
  if (applicationName.length > 63) fail('has an application_name longer than 63 characters.');

  const hostForDisplay = host.startsWith('/') ? encodeURIComponent(host) : host;
  const shownParams = [...params].filter(([key]) => key !== 'sslkey').map(([key, value]) => `${key}=${encodeURIComponent(value)}`);
  const display = `postgres://${encodeURIComponent(user)}@${hostForDisplay}:${port}/${encodeURIComponent(database)}${shownParams.length ? `?${shownParams.join('&')}` : ''}`;
  return {
    host: host.startsWith('[') ? host.slice(1, -1) : host,
    port,
    database,
    user,
    ...(password !== undefined ? { password } : {}),
    sslMode,
    ...(files.sslRootCert ? { sslRootCert: files.sslRootCert } : {}),
    ...(files.sslCert ? { sslCert: files.sslCert, sslKey: files.sslKey } : {}),
    applicationName,
    connectTimeoutSeconds,
    schema,
    display,
  };
}

/** The store address from `--store` or, without it, BACKROOM_STORE; null means the local data folder. */
export function storeAddressFrom(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): StoreAddress | null {
  const given = flag ?? env.BACKROOM_STORE;
  if (given === undefined || given.trim() === '') return null;
  return parseStoreAddress(given);
}

type FileReader = (path: string) => Promise<string>;
const readText: FileReader = (path) => readFile(path, 'utf8');

/** What TLS the address asks for, as node-postgres takes it; certificate files are read here. */
export async function sslOptionsFor(address: StoreAddress, read: FileReader = readText): Promise<PoolConfig['ssl']> {
  if (address.sslMode === 'disable') return false;
  const load = async (path: string, what: string) => {
    try {
      return await read(path);
    } catch (error) {
      const reason = error instanceof Error && 'code' in error && error.code === 'ENOENT' ? 'does not exist' : 'cannot be read';
      throw new StoreAddressError(`The ${what} file ${path} given in the database address ${reason}.`);
    }
  };
  const ca = address.sslRootCert && address.sslRootCert !== 'system' ? await load(address.sslRootCert, 'CA certificate (sslrootcert)') : undefined;
  const client = address.sslCert && address.sslKey
    ? { cert: await load(address.sslCert, 'client certificate (sslcert)'), key: await load(address.sslKey, 'client key (sslkey)') }
    : {};
  // As in libpq: `require` encrypts without checking the certificate, unless a CA file is given,
  // in which case it checks the chain like verify-ca. verify-ca checks the chain but not the name.
  const verify = address.sslMode !== 'require' || ca !== undefined;
  const checkName = address.sslMode === 'verify-full';
  return {
    rejectUnauthorized: verify,
    ...(ca !== undefined ? { ca } : {}),
    ...client,
    ...(checkName ? {} : { checkServerIdentity: () => undefined }),
  };
}

/** A node-postgres pool configuration for the address. */
export async function poolConfigFor(address: StoreAddress, read: FileReader = readText): Promise<PoolConfig> {
  return {
    host: address.host,
    port: address.port,
    database: address.database,
    user: address.user,
    ...(address.password !== undefined ? { password: address.password } : {}),
    ssl: await sslOptionsFor(address, read),
    application_name: address.applicationName,
    connectionTimeoutMillis: address.connectTimeoutSeconds * 1000,
    max: 10,
    idleTimeoutMillis: 30_000,
  };
}

/**
 * Removes the password from any text about this address: the exact value, its URL-encoded form,
 * and the password part of any postgres:// address in the text (even one we were never given).
 */
export function redactAddress(text: string, address?: Pick<StoreAddress, 'password'>): string {
  let out = text;
  const password = address?.password;
  if (password) {
    for (const form of new Set([password, encodeURIComponent(password)])) if (form.length > 0) out = out.split(form).join(REDACTED);
  }
  out = out.replace(/(postgres(?:ql)?:\/\/[^\s:/@]*:)[^\s@]*@/gi, `$1${REDACTED}@`);
  return redact(out);
}

export class StoreConnectionError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'StoreConnectionError';
  }
}

function codeOf(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') return error.code;
  return undefined;
}

/**
 * Turns a failure to reach or use the database into one sentence the merchant can act on. The
 * server's own words are kept (they help the operator), but always pass through redaction.
 */
export function describeConnectionError(error: unknown, address: StoreAddress): StoreConnectionError {
  const code = codeOf(error);
  const where = `${address.host}:${address.port}`;
  const detail = error instanceof Error ? error.message : String(error);
  let message: string;
  switch (code) {
    case 'ECONNREFUSED':
      message = `Could not reach the database at ${where}: nothing is listening there. Check that PostgreSQL is running and the host and port are right.`;
      break;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      message = `Could not find the database host '${address.host}'. Check the host name in the database address.`;
      break;
    case 'ETIMEDOUT':
      message = `The database at ${where} did not answer within ${address.connectTimeoutSeconds} seconds.`;
      break;
    case '28P01':
      message = `The database at ${where} refused the password for user '${address.user}'.`;
      break;
    case '28000':
      message = `The database at ${where} does not let user '${address.user}' in (${detail}).`;
      break;
    case '3D000':
      message = `The database '${address.database}' does not exist at ${where}. Create it first (createdb ${address.database}), owned by '${address.user}'.`;
      break;
    case '42501':
      message = `User '${address.user}' lacks a privilege Backroom needs in '${address.database}' (${detail}). It needs CONNECT and CREATE on the database, or ownership of the schema '${address.schema}'.`;
      break;
    default:
      message = /timeout/i.test(detail)
        ? `The database at ${where} did not answer within ${address.connectTimeoutSeconds} seconds.`
        : /ssl|tls|certificate/i.test(detail)
          ? `A secure connection to the database at ${where} failed (sslmode=${address.sslMode}): ${detail}`
          : `The database at ${where} could not be used: ${detail}`;
  }
  return new StoreConnectionError(redactAddress(message, address), code);
}
