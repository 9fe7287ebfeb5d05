// Small crashes and bare messages: a closed pipe, a big file, an empty port, a bad stored record.
import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cliJson, ensureCliBuilt, removeTempDirs, ROOT, tempDir } from '../helpers';

afterEach(removeTempDirs);

describe('clean failures on the command line', () => {
  beforeAll(ensureCliBuilt, 300_000);

  it('`backroom … | head` ends quietly with status 0 when the reader goes away (EPIPE)', async () => {
    const dataDir = await tempDir('br-pipe-');
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, '--data-dir', dataDir, '--help'], { cwd: ROOT, env: { ...process.env, BACKROOM_SECRETS: 'file' }, stdio: ['ignore', 'pipe', 'pipe'] });
      // The reader is gone before the first byte: every write the command makes meets a closed pipe.
      child.stdout.destroy();
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stderr }));
    });
    expect(result.stderr).not.toMatch(/EPIPE|Error|at /);
    expect(result.code).toBe(0);
  });

  it('a CSV file over the import limit is refused, naming the limit, and nothing changes', async () => {
    const dataDir = await tempDir('br-big-');
    await cliJson(dataDir, ['location', 'add', 'WH']);
    const file = join(await tempDir('br-csv-'), 'big.csv');
    await writeFile(file, `sku,location,quantity\n${'SKU-1,WH,1\n'.repeat(1_600_000)}`); // ~17.6 MB
    const snapshot = async () => (await readdir(dataDir)).sort().join(',') + (await readFile(join(dataDir, 'backroom.json'), 'utf8'));
    const before = await snapshot();
    const { code, doc } = await cliJson(dataDir, ['stock', 'import', file]);
    expect(code).toBe(2);
    expect(doc.ok).toBe(false);
    if (!doc.ok) expect(doc.error.message).toMatch(/is 1\d\.\d MB; Backroom imports files of up to 16 MB/);
    expect(await snapshot()).toBe(before);
  });

  it.each([[''], [' '], ['abc'], ['-1'], ['65536'], ['80.5'], ['0x50']])('`web --port %j` is refused with exit 2 naming --port', async (port) => {
    const dataDir = await tempDir('br-port-');
    const { code, doc } = await cliJson(dataDir, ['web', '--port', port]);
    expect(code).toBe(2);
    expect(doc.ok).toBe(false);
    if (!doc.ok) expect(doc.error).toMatchObject({ field: '--port' });
  });

  it('`orders list` on a damaged month file stops with a message naming the file, never a stack trace', async () => {
    const dataDir = await tempDir('br-bad-order-');
    await cliJson(dataDir, ['init']);
    await mkdir(join(dataDir, 'orders'), { recursive: true });
    const { doc } = await cliJson(dataDir, ['status']);
    expect(doc.ok).toBe(true);
    const month = join(dataDir, 'orders', '2026-01.json');
    const good = {
      id: 'Main:1', shop: 'Main', remoteId: '1', remoteNumber: '1', number: 'WO:1', status: 'processing', fulfilment: 'unfulfilled',
      createdAt: '2026-01-05T10:00:00.000Z', modifiedAt: '2026-01-05T10:00:00.000Z', currency: 'EUR', total: '10.00',
      customer: { email: 'a@example.com', firstName: 'A', lastName: 'B' }, lines: [], shipments: [], meta: {},
    };
    await writeFile(month, JSON.stringify({ schemaVersion: 1, orders: [good, null] }));
    const list = await cliJson<{ orders: { number: string }[] }>(dataDir, ['orders', 'list']);
    expect(list.run.stderr).not.toMatch(/TypeError|\n\s+at /);
    expect(list.code).toBe(1);
    expect(list.doc.ok).toBe(false);
    if (!list.doc.ok) expect(list.doc.error.message).toMatch(/2026-01\.json: .*left the file untouched/);
  });
});
