import { afterEach, describe, expect, it } from 'vitest';
import { cli, removeTempDirs, tempDir } from '../../../test/helpers';

afterEach(removeTempDirs);

describe('backroom with no command', () => {
  it('without a terminal prints the plain status and exits 0 (no Ink)', async () => {
    const dir = await tempDir();
    const run = await cli(['--data-dir', dir]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Backroom data: ${dir}`);
    expect(run.stdout).toContain('No shops yet');
  });

  it('backroom tui without a terminal does the same; --json prints the status document', async () => {
    const dir = await tempDir();
    expect((await cli(['--data-dir', dir, 'tui'])).stdout).toContain('Backroom data:');
    const json = JSON.parse((await cli(['--data-dir', dir, '--json'])).stdout) as { ok: boolean; result: { dataDir: string } };
    expect(json.ok).toBe(true);
    expect(json.result.dataDir).toBe(dir);
  });

  it('an unknown command is still a usage error naming it', async () => {
    const run = await cli(['frobnicate', '--json']);
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout).error.field).toBe('frobnicate');
  });
});
