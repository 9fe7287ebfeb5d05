// `sync.run`: one pass of the jobs now (all, or one job, or one shop), answered with what each did.
import { z } from 'zod';
import { Name } from '../../model';
import type { JobSummary } from '../../jobs/context';
import { JOB_ORDER } from '../../engine/engine';
import type { ApiContext } from '../context';
import { method } from '../define';
import { notFound } from '../errors';
import { namespace } from '../namespace';

const contract = {
  'sync.run': method<{ summaries: JobSummary[] }>()(
    z.object({ job: z.enum(JOB_ORDER).optional(), shop: Name.optional(), reconcile: z.boolean().default(false) }).strict(),
  ),
};

async function requireShop(ctx: ApiContext, name: string | undefined): Promise<void> {
  if (name && !(await ctx.repos.settings.get()).shops.some((s) => s.name === name)) throw notFound('shop', `There is no shop called "${name}".`);
}

export const sync = namespace(contract, {
  async 'sync.run'({ job, shop, reconcile }, ctx) {
    await requireShop(ctx, shop);
    return { summaries: await ctx.engine.syncOnce({ job, shop, reconcile }) };
  },
});
