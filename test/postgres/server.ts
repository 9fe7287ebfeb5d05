// A real PostgreSQL server for the tests: Debian's binaries, a fresh cluster in a temporary folder,
// a free port on 127.0.0.1, run as an unprivileged user (PostgreSQL refuses to run as root), stopped
// and removed afterwards. A machine where it cannot start gets a reason instead, so the suites that
// need it skip themselves and say why.
import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface PostgresServer {
  host: string;
  port: number;
  /** A superuser with a password, for setting up roles and databases in tests. */
  adminUser: string;
  adminPassword: string;
  /** `postgres://admin:password@127.0.0.1:port/postgres`. */
  adminUrl: string;
  /** How long initdb + start + first connection took, in milliseconds (reported, never asserted). */
  startedInMs: number;
  /** A new empty database owned by a new role that may use only its own schema; returns its URL. */
  createDatabase(name: string): Promise<{ url: string; user: string; password: string }>;
  stop(): Promise<void>;
}

export type PostgresStart = { ok: true; server: PostgresServer } | { ok: false; reason: string };

/** Generous: initdb and the first start take seconds on a busy 2-core machine, more under load. */
const READY_TIMEOUT_MS = 180_000;
const ADMIN_USER = 'backroom_admin';

/** The newest installed PostgreSQL's bin folder (Debian keeps each version under /usr/lib/postgresql/N/bin). */
export function findPostgresBin(): string | null {
  const fromEnv = process.env.BACKROOM_PG_BIN;
  if (fromEnv) return existsSync(join(fromEnv, 'initdb')) ? fromEnv : null;
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return null;
  const versions = readdirSync(base)
    .filter((v) => /^\d+(\.\d+)?$/.test(v) && existsSync(join(base, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(base, versions[0], 'bin') : null;
}

/** Who runs the server: ourselves when not root, else the `postgres` user Debian's package creates (or `nobody`). */
function serverUser(): { name: string; uid: number; gid: number } | null {
  if (userInfo().uid !== 0) return null;
  for (const name of ['postgres', 'nobody']) {
    try {
      const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
      if (uid > 0) return { name, uid, gid };
    } catch {
      // no such user; try the next
    }
  }
  throw new Error('running as root, and neither a postgres nor a nobody user exists to run PostgreSQL as');
}

function run(command: string, args: string[], runAs: string | null, timeoutMs: number): Promise<string> {
  const [file, argv] = runAs ? ['runuser', ['-u', runAs, '--', command, ...args]] : [command, args];
  return new Promise((resolve, reject) => {
    execFile(file, argv, { timeout: timeoutMs, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C', LANG: 'C' } }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} failed: ${error.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function connectWhenReady(config: pg.ClientConfig, deadline: number, logFile: string): Promise<void> {
  let lastError = '';
  while (Date.now() < deadline) {
    const client = new pg.Client({ ...config, connectionTimeoutMillis: 10_000 });
    try {
      await client.connect();
      await client.query('select 1');
      await client.end();
      return;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
      await client.end().catch(() => undefined);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  const log = await readFile(logFile, 'utf8').catch(() => '');
  throw new Error(`PostgreSQL did not accept connections within ${READY_TIMEOUT_MS / 1000} s (${lastError})\n${log.slice(-2000)}`);
}

/** Starts a throwaway PostgreSQL server, or says why it cannot. */
export interface StartOptions {
  /** Keep fsync and synchronous commit on (the bench measures what a commit really costs). */
  durable?: boolean;
}

export async function startPostgres(start: StartOptions = {}): Promise<PostgresStart> {
  const bin = findPostgresBin();
  if (!bin && process.env.BACKROOM_PG_BIN) return { ok: false, reason: `BACKROOM_PG_BIN=${process.env.BACKROOM_PG_BIN} holds no initdb` };
  if (!bin) return { ok: false, reason: 'PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb; .ci/run installs it with apt-get install postgresql)' };
  const began = Date.now();
  let user: ReturnType<typeof serverUser>;
  try {
    user = serverUser();
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
  const dir = await mkdtemp(join(tmpdir(), 'br-pg-'));
  const dataDir = join(dir, 'data');
  const logFile = join(dir, 'server.log');
  const pwFile = join(dir, 'pw');
  const adminPassword = `pw-${Math.random().toString(36).slice(2)}-${Date.now().toString(36)}`;
  writeFileSync(pwFile, adminPassword, { mode: 0o600 });
  writeFileSync(logFile, '');
  if (user) {
    await chmod(dir, 0o700);
    for (const path of [dir, pwFile, logFile]) chownSync(path, user.uid, user.gid);
  }
  const runAs = user?.name ?? null;
  const cleanup = () => rm(dir, { recursive: true, force: true });
  try {
    await run(join(bin, 'initdb'), ['-D', dataDir, '-U', ADMIN_USER, `--pwfile=${pwFile}`, '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--no-locale', '--no-sync'], runAs, READY_TIMEOUT_MS);
  } catch (error) {
    await cleanup();
    return { ok: false, reason: `initdb could not create a PostgreSQL cluster: ${error instanceof Error ? error.message : String(error)}` };
  }

  // A port picked now may be taken by the time the server binds it (other suites run in parallel): try a few.
  let lastReason = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    // Test settings: no fsync (a throwaway cluster) unless asked, small memory, the socket in our own folder.
    const options = `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir} ${start.durable ? '-c shared_buffers=256MB' : '-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=32MB'} -c max_connections=60`;
    try {
      await run(join(bin, 'pg_ctl'), ['-D', dataDir, '-l', logFile, '-o', options, '-W', 'start'], runAs, READY_TIMEOUT_MS);
      const admin = { host: '127.0.0.1', port, user: ADMIN_USER, password: adminPassword, database: 'postgres' };
      await connectWhenReady(admin, began + READY_TIMEOUT_MS, logFile);
      return { ok: true, server: makeServer(bin, dataDir, runAs, port, adminPassword, Date.now() - began, cleanup) };
    } catch (error) {
      lastReason = error instanceof Error ? error.message : String(error);
      await run(join(bin, 'pg_ctl'), ['-D', dataDir, '-m', 'immediate', 'stop'], runAs, 60_000).catch(() => undefined);
    }
  }
  await cleanup();
  return { ok: false, reason: `PostgreSQL could not start: ${lastReason}` };
}

function makeServer(bin: string, dataDir: string, runAs: string | null, port: number, adminPassword: string, startedInMs: number, cleanup: () => Promise<void>): PostgresServer {
  const stopNow = () => {
    // On exit only synchronous work runs: stop the server so no cluster outlives the test process.
    try {
      const [file, argv] = runAs ? ['runuser', ['-u', runAs, '--', join(bin, 'pg_ctl'), '-D', dataDir, '-m', 'immediate', 'stop']] : [join(bin, 'pg_ctl'), ['-D', dataDir, '-m', 'immediate', 'stop']];
      execFileSync(file, argv, { stdio: 'ignore', timeout: 30_000 });
    } catch {
      // already stopped
    }
  };
  process.once('exit', stopNow);
  const adminUrl = `postgres://${ADMIN_USER}:${encodeURIComponent(adminPassword)}@127.0.0.1:${port}/postgres`;
  return {
    host: '127.0.0.1',
    port,
    adminUser: ADMIN_USER,
    adminPassword,
    adminUrl,
    startedInMs,
    async createDatabase(name) {
      if (!/^[a-z][a-z0-9_]{0,40}$/.test(name)) throw new Error(`test database name '${name}' must be lower-case letters, digits and underscores`);
      const user = `${name}_role`;
      const password = `secret-${name}-${Math.random().toString(36).slice(2)}`;
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      try {
        // The role Backroom runs as: it can log in and owns one database; nothing else.
        await admin.query(`create role ${user} login password '${password}'`);
        await admin.query(`create database ${name} owner ${user}`);
        await admin.query(`revoke connect, temporary on database ${name} from public`);
      } finally {
        await admin.end();
      }
      return { url: `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/${name}`, user, password };
    },
    async stop() {
      process.removeListener('exit', stopNow);
      await run(join(bin, 'pg_ctl'), ['-D', dataDir, '-m', 'fast', 'stop'], runAs, 120_000).catch(() => stopNow());
      await cleanup();
    },
  };
}

/** For suites: start once at load; print why the suite is skipped when PostgreSQL cannot run here. */
export async function postgresForSuite(suite: string): Promise<PostgresStart> {
  const started = await startPostgres();
  if (!started.ok) console.warn(`[${suite}] skipped: ${started.reason}`);
  return started;
}
