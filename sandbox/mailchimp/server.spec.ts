import { afterEach, beforeEach, expect, it } from 'vitest';
import { startMailchimpSandbox, type MailchimpSandbox } from './server';

let sandbox: MailchimpSandbox;
beforeEach(async () => {
  sandbox = await startMailchimpSandbox({ latencyMs: 50 });
});
afterEach(async () => {
  await sandbox.close();
});

const ping = (key = sandbox.key) => fetch(`${sandbox.server}/3.0/ping`, { headers: { authorization: `Basic ${Buffer.from(`any:${key}`).toString('base64')}` } });

it('answers an eleventh simultaneous connection with a 429 problem', async () => {
  const answers = await Promise.all(Array.from({ length: 11 }, () => ping()));
  expect(answers.map((a) => a.status).sort()).toEqual([...Array(10).fill(200), 429]);
  const limited = answers.find((a) => a.status === 429)!;
  expect(limited.headers.get('content-type')).toContain('application/problem+json');
  expect(await limited.json()).toMatchObject({ title: 'Too Many Requests', status: 429, detail: expect.stringContaining('10 simultaneous connections') });
});

it('refuses a wrong key with the API Key Invalid problem', async () => {
  const answer = await ping('wrong-us21');
  expect(answer.status).toBe(401);
  expect(await answer.json()).toMatchObject({ type: expect.stringContaining('mailchimp.com'), title: 'API Key Invalid', status: 401, instance: expect.any(String) });
});
