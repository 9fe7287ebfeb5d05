import { readFile } from 'node:fs/promises';
import { UsageError } from './output';

/** Parses a whole, non-negative number given on the command line, naming the argument when it is not one. */
export function parseCount(name: string, value: string): number {
  if (!/^\s*-?\d+(\.\d+)?\s*$/.test(value)) throw new UsageError(name, `${name} must be a whole number, got "${value}".`);
  const n = Number(value);
  if (!Number.isInteger(n)) throw new UsageError(name, `${name} must be a whole number, got "${value}".`);
  if (n < 0) throw new UsageError(name, `${name} must not be negative, got ${value}.`);
  return n;
}

/** Splits a comma-separated list (`processing,on-hold`), dropping empty entries. */
export function parseList(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}

/** Reads a file named on the command line (a CSV to import); a missing or unreadable file is a usage error naming it. */
export async function readInputFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new UsageError('FILE', `Cannot read ${file}: ${reason}.`);
  }
}
