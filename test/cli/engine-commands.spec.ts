import { afterEach, describe, expect, it } from 'vitest';
import { cliJson, removeTempDirs, tempDir } from '../helpers';

afterEach(removeTempDirs);

describe('pause and resume without a running engine', () => {
  it('fail (exit 1) and say how to start one, instead of pausing a throwaway engine', async () => {
    const dir = await tempDir();
    for (const command of ['pause', 'resume']) {
      const { code, doc } = await cliJson(dir, [command]);
      expect(code).toBe(1);
      expect(doc.ok).toBe(false);
      if (!doc.ok) expect(doc.error.message).toMatch(new RegExp(`nothing to ${command}.*backroom daemon`));
    }
  });
});
