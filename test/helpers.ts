// Shared helpers for Backroom's vitest suites: temp data directories, the CLI run in-process with a
// captured Io, the real binary, and child processes that report on stdout.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, statSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../cli/program';

// There is no OS keychain on build machines; the store reads this from process.env.
process.env.BACKROOM_SECRETS = 'file';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const BIN = join(ROOT, 'bin', 'backroom.mjs');

const made: string[] = [];

/** A fresh temp directory, removed by `removeTempDirs()` (call it in afterEach/afterAll). */
export async function tempDir(prefix = 'br-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export async function removeTempDirs(): Promise<void> {
  for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true });
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in this process, as `backroom ARGS`, capturing what it prints. */
export async function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const deps = {
    io: { out: (s: string) => void (stdout += s), err: (s: string) => void (stderr += s) },
    env: { BACKROOM_SECRETS: 'file', ...env },
    exitCode: 0,
  };
  const code = await runCli(args, deps);
  return { code, stdout, stderr };
}

export interface JsonOk<T = unknown> {
  ok: true;
  result: T;
}
export interface JsonFail {
  ok: false;
  error: { code: string; message: string; field?: string; details?: string[] };
}

/** Parses stdout as exactly one JSON document (fails the test if there is anything else). */
export function parseJson<T = unknown>(run: CliRun): JsonOk<T> | JsonFail {
  return JSON.parse(run.stdout) as JsonOk<T> | JsonFail;
}

/** `backroom --data-dir DIR ARGS --json`, in process; returns the exit code and the parsed document. */
export async function cliJson<T = unknown>(dataDir: string, args: string[]): Promise<{ code: number; doc: JsonOk<T> | JsonFail; run: CliRun }> {
  const run = await cli(['--data-dir', dataDir, ...args, '--json']);
  return { code: run.code, doc: parseJson<T>(run), run };
}

export function okResult<T>(doc: JsonOk<T> | JsonFail): T {
  if (!doc.ok) throw new Error(`expected ok:true, got ${JSON.stringify(doc.error)}`);
  return doc.result;
}

// ---- the real binary -------------------------------------------------------------------------

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path));
    else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.spec.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * Makes sure dist/cli.mjs (what bin/backroom.mjs runs) is built from the current sources. Builds
 * to memory and renames into place, so test files running at the same time never see half a file.
 */
export async function ensureCliBuilt(): Promise<void> {
  const bundle = join(ROOT, 'dist', 'cli.mjs');
  const { cliBuildOptions } = await import('../scripts/cli-bundle.mjs');
  // The bundling recipe counts as a source: changing it must rebuild the binary the tests run.
  const recipe = statSync(join(ROOT, 'scripts', 'cli-bundle.mjs')).mtimeMs;
  const sources = Math.max(newestMtime(join(ROOT, 'cli')), newestMtime(join(ROOT, 'core')), recipe);
  if (existsSync(bundle) && statSync(bundle).mtimeMs >= sources) return;
  const { build } = await import('esbuild');
  // The same options as `npm run build` (scripts/build.mjs), so tests run the binary users get.
  const result = await build({ ...cliBuildOptions(ROOT, dirname(bundle)), write: false, logLevel: 'silent' });
  await mkdir(join(dirname(bundle), 'chunks'), { recursive: true });
  // Chunks first, the entry last, so a process starting meanwhile never loads an entry whose chunks are missing.
  const files = [...result.outputFiles!].sort((a, b) => Number(a.path === bundle) - Number(b.path === bundle));
  for (const file of files) {
    const temp = `${file.path}.${process.pid}.tmp`;
    await writeFile(temp, file.contents);
    await rename(temp, file.path);
  }
}

/** Runs `node bin/backroom.mjs ARGS` and waits for it to exit. */
export function runBin(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, BACKROOM_SECRETS: 'file', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code: code ?? -1, stdout, stderr }));
  });
}

// ---- child processes ---------------------------------------------------------------------------

export interface Child {
  process: ChildProcess;
  /** Every complete line the child printed on stdout so far. */
  lines: string[];
  stderr(): string;
  /** Resolves with the first line (already printed or to come) that matches; rejects on exit or deadline. */
  waitForLine(match: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `node --import tsx SCRIPT ARGS` and collects its stdout line by line. */
export function spawnTs(script: string, args: string[], env: NodeJS.ProcessEnv = {}): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: ROOT, env: { ...process.env, BACKROOM_SECRETS: 'file', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let partial = '';
  let err = '';
  const waiters = new Set<() => void>();
  child.stdout!.on('data', (d: Buffer) => {
    partial += d.toString();
    const parts = partial.split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
    waiters.forEach((w) => w());
  });
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) =>
    child.on('exit', (code, signal) => {
      res({ code, signal });
      waiters.forEach((w) => w());
    }));
  let hasExited = false;
  void exited.then(() => (hasExited = true));
  return {
    process: child,
    lines,
    stderr: () => err,
    exited,
    waitForLine(match, timeoutMs = 20_000) {
      return new Promise((res, rej) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          rej(new Error(`no matching line from ${script} within ${timeoutMs} ms; stdout: ${lines.slice(-5).join(' | ')}; stderr: ${err.slice(-2000)}`));
        }, timeoutMs);
        const check = () => {
          const found = lines.find(match);
          if (found !== undefined) {
            clearTimeout(timer);
            waiters.delete(check);
            res(found);
          } else if (hasExited || child.exitCode !== null || child.signalCode !== null) {
            clearTimeout(timer);
            waiters.delete(check);
            rej(new Error(`${script} exited before printing the expected line; stderr: ${err.slice(-2000)}`));
          }
        };
        waiters.add(check);
        check();
      });
    },
  };
}

/**
 * Polls `condition` until it holds or the deadline passes (for state outside this process, or moved
 * by events). The pauses between checks start short and grow to a quarter second: a condition that
 * spawns a process or reads a file is not run fifty times a second on a busy machine, and what the
 * test waits for is the condition, never the pause. The condition is checked once more at the
 * deadline, so a slow last check still counts.
 */
export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let pause = 5; !(await condition()); pause = Math.min(250, pause * 2)) {
    if (Date.now() > deadline) {
      if (await condition()) return;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, pause));
  }
}
