import { ApiError } from '../core/api/errors';
import { redact, redactValue } from '../core/store/redact';
import stringWidth from 'string-width';

/** Where a command writes. Injected so tests can capture output without spawning a process. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
}

/**
 * Writes to the process's stdout and stderr. When the reader goes away (`backroom orders list | head`
 * closes the pipe), the rest of the output has nowhere to go: it is dropped quietly, the command
 * still finishes what it was doing, and the exit status stays that of the command.
 */
function quietOnClosedPipe(stream: NodeJS.WriteStream): (text: string) => void {
  let closed = false;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') closed = true;
    else throw error;
  });
  return (text) => {
    if (!closed) stream.write(text);
  };
}

let processIoMade: Io | undefined;
/** The Io of this process (made on first use, so importing this module adds no listeners). */
export function processIo(): Io {
  return (processIoMade ??= { out: quietOnClosedPipe(process.stdout), err: quietOnClosedPipe(process.stderr) });
}

/** Exit codes (SPEC "CLI"): 0 success, 1 the operation failed, 2 bad usage or bad input. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** A usage problem found by the CLI itself (a flag that is not a number, two flags that exclude each other). */
export class UsageError extends Error {
  constructor(readonly field: string, message: string) {
    super(message);
  }
}

export function exitCodeFor(error: unknown): number {
  if (error instanceof UsageError) return EXIT.usage;
  const api = ApiError.from(error);
  return api.code === 'bad-input' || api.code === 'not-found' || api.code === 'conflict' || api.code === 'unknown-method' ? EXIT.usage : EXIT.failed;
}

export interface Printer {
  readonly json: boolean;
  /** Prints a command's result: the JSON document in --json mode, else the human text. */
  result(value: unknown, human: () => string): void;
  /** Prints a failure and returns the exit code. */
  failure(error: unknown): number;
}

export function printer(io: Io, json: boolean): Printer {
  return {
    json,
    result(value, human) {
      if (json) io.out(`${JSON.stringify({ ok: true, result: redactValue(value) }, null, 2)}\n`);
      else {
        const text = human();
        if (text) io.out(`${redact(text)}\n`);
      }
    },
    failure(error) {
      const code = exitCodeFor(error);
      const api = error instanceof UsageError ? new ApiError('bad-input', error.message, error.field) : ApiError.from(error);
      if (json) io.out(`${JSON.stringify({ ok: false, error: api.toJSON() }, null, 2)}\n`);
      else {
        io.err(`backroom: ${api.message}\n`);
        const extra = api.details?.slice(1) ?? [];
        for (const line of extra.slice(0, 20)) io.err(`  ${redact(line)}\n`);
        if (extra.length > 20) io.err(`  … ${extra.length - 20} more\n`);
      }
      return code;
    },
  };
}

/** A plain text table: columns padded to their widest cell, no colour needed to read it. */
export function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  // Display width, not `.length`: a CJK name or an emoji takes two terminal cells.
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => stringWidth(r[i] ?? ''))));
  return cells.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c + ' '.repeat(widths[i]! - stringWidth(c)))).join('  ').trimEnd()).join('\n');
}

/**
 * A stored UTC instant as the merchant reads it: their own zone, to the minute, with the zone's
 * short name ("2026-03-01 11:00 CET"). `--json` keeps the ISO instant; only human text uses this.
 */
export function localTime(iso: string | null | undefined, timeZone?: string): string {
  if (!iso) return 'never';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short' }).formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')} ${part('timeZoneName')}`;
}
