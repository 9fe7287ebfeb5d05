// The JSON repositories promise that units run one at a time, in call order (repositories.ts
// `write`). That holds per instance: a second instance over the same open store would run its units
// beside the first's. The API and the jobs of one host must therefore write through one instance.
import { afterAll, describe, expect, it } from 'vitest';
import { hostEngine } from '../../core/host/host';
import { removeTempDirs, tempDir } from '../helpers';

afterAll(removeTempDirs);

describe('one host, one queue of write units', () => {
  it("an API write waits for the jobs' unit in flight instead of running beside it", async () => {
    const host = (await hostEngine({ dataDir: await tempDir('br-one-unit-queue-'), serve: false }))!;
    try {
      const order: string[] = [];
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const job = host.ctx.engine.repos.write(async () => {
        order.push('job unit starts');
        await gate;
        order.push('job unit ends');
      });
      const api = host.ctx.repos.write(async () => {
        order.push('API unit runs');
      });
      // Let both be scheduled; the API unit must not have run while the job unit is held.
      for (let i = 0; i < 50; i++) await new Promise<void>((resolve) => setImmediate(resolve));
      release();
      await Promise.all([job, api]);
      expect(order).toEqual(['job unit starts', 'job unit ends', 'API unit runs']);
    } finally {
      await host.close();
    }
  });
});
