import { afterEach, beforeEach, expect, it } from 'vitest';
import { startActiveCampaignSandbox, type ActiveCampaignSandbox } from './server';

let sandbox: ActiveCampaignSandbox;
beforeEach(async () => {
  sandbox = await startActiveCampaignSandbox();
});
afterEach(async () => {
  await sandbox.close();
});

const get = (path: string, key = sandbox.key) => fetch(`${sandbox.accountUrl}/api/3/${path}`, { headers: { 'Api-Token': key } });

it('answers the sixth request inside one second with 429 and Retry-After', async () => {
  const answers = await Promise.all(Array.from({ length: 6 }, () => get('tags')));
  expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 200, 429]);
  const limited = answers.find((a) => a.status === 429)!;
  expect(limited.headers.get('retry-after')).toBe('1');
  expect(await limited.json()).toEqual({ message: 'Too Many Requests' });
  expect(sandbox.state.rateLimited).toBe(1);
});

it('refuses a wrong Api-Token with 403 and pages tags with meta.total as a string', async () => {
  expect((await get('tags', 'nope')).status).toBe(403);
  sandbox.addTags(['a', 'b', 'c']);
  const page = (await (await get('tags?limit=2&offset=2')).json()) as { tags: { tag: string; id: string }[]; meta: { total: string } };
  expect(page.meta.total).toBe('3');
  expect(page.tags.map((t) => t.tag)).toEqual(['c']);
  expect(typeof page.tags[0]!.id).toBe('string');
});
