import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { registerSecret } from '../store/redact';
import { EventBus } from './events';
import { fileLogger, logEngineEvents } from './log';

let dir: string;
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the engine log', () => {
  it('writes job results with secrets masked, and rotates by size keeping the newest files', async () => {
    dir = await mkdtemp(join(tmpdir(), 'br-log-'));
    registerSecret('cs_supersecretvalue123');
    const log = fileLogger(dir, { maxBytes: 400, keep: 2, now: () => new Date('2026-01-01T00:00:00Z') });
    const events = new EventBus();
    logEngineEvents(events, log);
    events.emit('job', { job: 'orders', target: 'Main', state: 'failed', message: 'HTTP 401 with cs_supersecretvalue123 in it' });
    const first = await readFile(log.path, 'utf8');
    expect(first).toContain('WARN  orders Main: failed');
    expect(first).not.toContain('cs_supersecretvalue123');

    for (let i = 0; i < 40; i++) events.emit('job', { job: 'inventory', target: `Shop ${i}`, state: 'done' });
    const files = (await readdir(join(dir, 'logs'))).sort();
    expect(files).toEqual(['backroom.1.log', 'backroom.2.log', 'backroom.log']);
    const current = await readFile(log.path, 'utf8');
    expect(current).toContain('Shop 39');
    expect(current.length).toBeLessThanOrEqual(400 + 100);
  });
});
