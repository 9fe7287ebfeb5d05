import { readFile, stat } from 'node:fs/promises';
import { InvalidArgumentError, Option } from 'commander';
import { orderStatusProblem, outOfRange, unknownChoice, type Bound } from '../core/model';
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
    const info = await stat(file);
    if (info.isDirectory()) throw new UsageError('FILE', `Cannot read ${file}: it is a folder, not a file.`);
    if (info.size > MAX_INPUT_FILE_BYTES) {
      throw new UsageError('FILE', `${file} is ${megabytes(info.size)}; Backroom imports files of up to ${megabytes(MAX_INPUT_FILE_BYTES)}. Split it into smaller files and import each.`);
    }
    return await readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new UsageError('FILE', `Cannot read ${file}: ${reason}.`);
  }
}

/** A whole number within a setting's range; the message names the flag and the range in words. */
export function parseBounded(flag: string, value: string, bound: Bound): number {
  const text = value.trim();
  const n = /^-?\d{1,16}$/.test(text) ? Number(text) : Number.NaN;
  const problem = outOfRange(bound, n);
  if (problem) throw new UsageError(flag, `${flag}: ${problem.replace(/\.$/, '')}${Number.isNaN(n) ? `, got "${value}"` : ''}.`);
  return n;
}

/** A comma-separated list of order statuses; a typo of a known status is refused with a hint. */
export function parseStatuses(flag: string, value: string): string[] {
  const statuses = parseList(value);
  if (statuses.length === 0) throw new UsageError(flag, `${flag} needs at least one status, e.g. processing,on-hold.`);
  if (statuses.length > 20) throw new UsageError(flag, `${flag} may list at most 20 statuses.`);
  for (const status of statuses) {
    const problem = orderStatusProblem(status);
    if (problem) throw new UsageError(flag, `${flag}: ${problem}`);
  }
  return statuses;
}

/**
 * An option that takes one of a few words (`--job orders`). The help lists the choices; a typo is
 * answered with the nearest one ("unknown job 'ordres' — did you mean 'orders'?").
 */
export function choiceOption(flags: string, description: string, what: string, choices: readonly string[]): Option {
  return new Option(flags, description).choices(choices).argParser((value: string) => {
    if (!choices.includes(value)) throw new InvalidArgumentError(unknownChoice(what, value, choices));
    return value;
  });
}

/** The largest CSV file a command sends to the engine; bigger files are refused before reading them. */
export const MAX_INPUT_FILE_BYTES = 16 * 1024 * 1024;

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(bytes % (1024 * 1024) === 0 ? 0 : 1)} MB`;
}
