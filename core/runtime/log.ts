import { appendFileSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { FILES } from '../store/layout';
import { redact } from '../store/redact';
import type { EventBus } from './events';

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface FileLoggerOptions {
  /** Size at which the log is rotated. */
  maxBytes?: number;
  /** Rotated files kept (backroom.1.log … backroom.N.log). */
  keep?: number;
  now?: () => Date;
}

/**
 * The engine's log: `logs/backroom.log` in the data directory, one line per event, every line
 * redacted, rotated by size so a shop PC never fills its disk. Appends are synchronous: lines are
 * few (one per job run) and a crash must not lose the line that explains it.
 */
export function fileLogger(dataDir: string, options: FileLoggerOptions = {}): Logger & { path: string } {
  const dir = join(dataDir, FILES.logsDir);
  const path = join(dir, 'backroom.log');
  const maxBytes = options.maxBytes ?? 5 * 1024 * 1024;
  const keep = options.keep ?? 3;
  const now = options.now ?? (() => new Date());
  mkdirSync(dir, { recursive: true });

  const rotate = () => {
    rmSync(join(dir, `backroom.${keep}.log`), { force: true });
    for (let i = keep - 1; i >= 1; i--) {
      try {
        renameSync(join(dir, `backroom.${i}.log`), join(dir, `backroom.${i + 1}.log`));
      } catch {
        // that generation does not exist yet
      }
    }
    renameSync(path, join(dir, 'backroom.1.log'));
  };

  const write = (level: string, message: string) => {
    try {
      if ((statSync(path, { throwIfNoEntry: false })?.size ?? 0) > maxBytes) rotate();
      appendFileSync(path, `${now().toISOString()} ${level} ${redact(message).replace(/\n/g, ' ')}\n`, { mode: 0o600 });
    } catch {
      // Logging must never stop the engine.
    }
  };
  return { path, info: (m) => write('INFO ', m), warn: (m) => write('WARN ', m), error: (m) => write('ERROR', m) };
}

/** Writes what the engine does to the log: job results and state changes. */
export function logEngineEvents(events: EventBus, log: Logger): () => void {
  const offJob = events.on('job', (e) => {
    if (e.state === 'failed') log.warn(`${e.job} ${e.target}: failed${e.message ? ` — ${e.message}` : ''}`);
    else if (e.state === 'done') log.info(`${e.job} ${e.target}: done${e.message ? ` — ${e.message}` : ''}`);
  });
  const offState = events.on('state', (e) => {
    if (e.state === 'paused' || e.state === 'errors') log.info(`engine ${e.state}`);
  });
  return () => {
    offJob();
    offState();
  };
}
